/**
 * @module
 * Which paths a .dockerignore keeps out of the build context. Docker's rules, in the subset this repo
 * uses: `*`, `?` and `**` globs, `!` exceptions, the last matching line wins, and a pattern that matches
 * a folder matches everything in it.
 */

interface Rule {
  exception: boolean;
  pattern: RegExp;
}

function globToRegExp(glob: string): RegExp {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] ?? "";
    if (glob.startsWith("**/", i)) {
      source += "(?:.*/)?";
      i += 2;
    } else if (glob.startsWith("**", i)) {
      source += ".*";
      i += 1;
    } else if (char === "*") source += "[^/]*";
    else if (char === "?") source += "[^/]";
    else source += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

function parseRules(dockerignore: string): Rule[] {
  return dockerignore
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const exception = line.startsWith("!");
      const glob = (exception ? line.slice(1) : line).replace(/^\/+/, "").replace(/\/+$/, "");
      return { exception, pattern: globToRegExp(glob) };
    });
}

/** The path itself and every folder above it: `a/b/c` → `a`, `a/b`, `a/b/c`. */
function selfAndParents(path: string): string[] {
  const parts = path.split("/");
  return parts.map((_, index) => parts.slice(0, index + 1).join("/"));
}

/**
 * Whether `path` (relative to the build context) is left out of it.
 * @example isExcluded("*\n!shared\n", "shared/src/index.ts") // false
 */
export function isExcluded(dockerignore: string, path: string): boolean {
  const candidates = selfAndParents(path.replace(/^\.\/+/, "").replace(/\/+$/, ""));
  let excluded = false;
  for (const rule of parseRules(dockerignore)) {
    if (candidates.some((candidate) => rule.pattern.test(candidate))) excluded = !rule.exception;
  }
  return excluded;
}
