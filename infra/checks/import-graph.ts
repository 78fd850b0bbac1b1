/**
 * @module The repository's import graph and the layering it must keep: contracts at the bottom, the model
 * and the client above them, the worker and the edge beside each other, the launcher and the benchmarks on
 * top, tests above everything; no circles; Workers-safe code reaching no Node built-in and no model code.
 */
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, normalize } from "node:path";

/** A part of the repository, and how high it sits: a file may import only from lower parts or its own. */
export interface Part {
  name: string;
  /** Folders (repository paths) whose files belong to the part. */
  roots: string[];
  rank: number;
  /** Runs in Workers and browsers: no Node built-in, no model code, even through what it imports. */
  workersSafe?: boolean;
}

export const PARTS: readonly Part[] = [
  { name: "contracts", roots: ["shared/contracts/src"], rank: 0, workersSafe: true },
  { name: "model", roots: ["shared/model/src"], rank: 1 },
  { name: "client", roots: ["shared/client/src"], rank: 1, workersSafe: true },
  { name: "gpu-worker", roots: ["gpu-worker/src", "gpu-worker/bin"], rank: 2 },
  { name: "edge", roots: ["edge/src", "edge/browser"], rank: 2, workersSafe: true },
  // Node tools over the edge's own code: the key CLI, the local D1 and assets helpers
  { name: "edge-tools", roots: ["edge/scripts"], rank: 3 },
  { name: "infra", roots: ["infra"], rank: 4 },
  { name: "bench", roots: ["bench"], rank: 5 },
];

/** npm packages that need Node (native addons or Node APIs): never in Workers-safe code. */
export const NODE_ONLY_PACKAGES = [
  "sharp",
  "onnxruntime-node",
  "@tensorflow/tfjs-node",
  "@tensorflow/tfjs-node-gpu",
  "@hono/node-server",
  "pino",
  "prom-client",
  "tsx",
  "@ugatit/model",
];

const SKIPPED_FOLDERS = new Set(["node_modules", "dist", ".wrangler", "fixtures"]);
const NODE_BUILTINS = new Set(builtinModules);

/** A test, a test helper or a test configuration: above every layer, and imported by no layer. */
export function isTestFile(path: string): boolean {
  return (
    /\.test\.ts$/.test(path) ||
    /(^|\/)test\//.test(path) ||
    /(^|\/)(vitest\.config|vitest\.projects)\.ts$/.test(path) ||
    /(^|\/)testing\.ts$/.test(path)
  );
}

export function partOf(path: string, parts: readonly Part[] = PARTS): Part | undefined {
  return parts.find((part) => part.roots.some((root) => path === root || path.startsWith(`${root}/`)));
}

/** What an import specifier names: a repository file, a Node built-in, or an npm package. */
export type Target =
  | { kind: "file"; path: string }
  | { kind: "builtin"; name: string }
  | { kind: "package"; name: string };

export interface ImportEdge {
  from: string;
  specifier: string;
  target: Target;
}

/** Every specifier a TypeScript source imports or re-exports, statically or dynamically. */
export function importSpecifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const found: string[] = [];
  for (const m of code.matchAll(/\b(?:import|export)\s+(?:type\s+)?[^;'"`]*?\bfrom\s*["']([^"']+)["']/g)) {
    found.push(m[1] as string);
  }
  for (const m of code.matchAll(/\bimport\s*["']([^"']+)["']/g)) found.push(m[1] as string);
  for (const m of code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) found.push(m[1] as string);
  return found;
}

/** The package a bare specifier names: `@scope/name` or `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] as string);
}

/** Resolves a specifier from a repository file; `workspaces` maps `@ugatit/x/sub` to repository files. */
export function resolveSpecifier(
  from: string,
  specifier: string,
  workspaces: ReadonlyMap<string, string>,
): Target {
  if (specifier.startsWith(".")) return { kind: "file", path: normalize(join(dirname(from), specifier)) };
  if (specifier.startsWith("node:") || NODE_BUILTINS.has(packageName(specifier))) {
    return { kind: "builtin", name: specifier };
  }
  const path = workspaces.get(specifier);
  return path === undefined ? { kind: "package", name: packageName(specifier) } : { kind: "file", path };
}

/** `@ugatit/<name>/<subpath>` → the repository file its package.json `exports` names. */
export function workspaceExports(root: string, packageDirs: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const dir of packageDirs) {
    let manifest: { name: string; exports?: Record<string, string | Record<string, string>> };
    try {
      manifest = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"));
    } catch {
      continue;
    }
    for (const [subpath, file] of Object.entries(manifest.exports ?? {})) {
      const specifier = subpath === "." ? manifest.name : `${manifest.name}/${subpath.replace(/^\.\//, "")}`;
      // a package publishing built files (shared/client) names its sources under the @ugatit/source condition
      const source = typeof file === "string" ? file : file["@ugatit/source"];
      if (source) map.set(specifier, normalize(join(dir, source)));
    }
  }
  return map;
}

/** The TypeScript files under the parts' roots, as repository paths. */
export function sourceFiles(root: string, parts: readonly Part[] = PARTS): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(join(root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = dir === "" ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) walk(path);
      } else if (/\.(ts|js)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) files.push(path);
    }
  };
  for (const part of parts) for (const dir of part.roots) walk(dir);
  return [...new Set(files)].sort();
}

/** Reads the graph of the repository at `root`. */
export function readImportGraph(root: string): ImportEdge[] {
  const packageDirs = readdirSync(join(root, "shared"), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => `shared/${e.name}`)
    .concat(["gpu-worker", "edge"]);
  const workspaces = workspaceExports(root, packageDirs);
  return sourceFiles(root).flatMap((from) =>
    importSpecifiers(readFileSync(join(root, from), "utf8")).map((specifier) => ({
      from,
      specifier,
      target: resolveSpecifier(from, specifier, workspaces),
    })),
  );
}

/** Each rule a graph breaks, one line each. */
export function layeringProblems(edges: readonly ImportEdge[], parts: readonly Part[] = PARTS): string[] {
  const problems: string[] = [];
  for (const { from, specifier, target } of edges) {
    if (isTestFile(from) || target.kind !== "file") continue;
    const source = partOf(from, parts);
    const dest = partOf(target.path, parts);
    if (isTestFile(target.path)) {
      problems.push(`${from} imports test code ${specifier}`);
    } else if (source && dest && source !== dest && dest.rank >= source.rank) {
      problems.push(`${from} (${source.name}) imports ${specifier} (${dest.name}): up or across the layers`);
    } else if (source && !dest) {
      problems.push(`${from} imports ${specifier}, outside every package`);
    }
  }
  return problems;
}

/** Workers-safe files that reach a Node built-in or Node-only code, directly or through repository files. */
export function workersSafetyProblems(
  edges: readonly ImportEdge[],
  parts: readonly Part[] = PARTS,
): string[] {
  const byFile = new Map<string, ImportEdge[]>();
  for (const edge of edges) {
    if (!isTestFile(edge.from)) byFile.set(edge.from, [...(byFile.get(edge.from) ?? []), edge]);
  }
  const problems: string[] = [];
  for (const file of byFile.keys()) {
    if (!partOf(file, parts)?.workersSafe) continue;
    // breadth-first through repository files, remembering how each was reached
    const via = new Map<string, string>([[file, file]]);
    const queue = [file];
    while (queue.length > 0) {
      const current = queue.shift() as string;
      for (const { specifier, target } of byFile.get(current) ?? []) {
        const bad =
          target.kind === "builtin" ||
          (target.kind === "package" && NODE_ONLY_PACKAGES.includes(target.name)) ||
          (target.kind === "file" && !partOf(target.path, parts)?.workersSafe);
        if (bad) {
          const chain = current === file ? "" : ` (through ${current})`;
          problems.push(`${file} reaches ${specifier}${chain}: not safe in Workers and browsers`);
        } else if (target.kind === "file" && !via.has(target.path)) {
          via.set(target.path, current);
          queue.push(target.path);
        }
      }
    }
  }
  return [...new Set(problems)];
}

/** Every circle of imports between non-test files, each as the files in it. */
export function importCircles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, target } of edges) {
    if (isTestFile(from) || target.kind !== "file") continue;
    next.set(from, [...(next.get(from) ?? []), target.path]);
  }
  // Tarjan's strongly connected components
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const visit = (node: string) => {
    indices.set(node, index);
    low.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const to of next.get(node) ?? []) {
      if (!indices.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node) as number, low.get(to) as number));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node) as number, indices.get(to) as number));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (next.get(node) ?? []).includes(node)) circles.push(component.sort());
    }
  };
  for (const node of next.keys()) if (!indices.has(node)) visit(node);
  return circles;
}
