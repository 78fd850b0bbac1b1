import { describe, expect, it } from "vitest";
import { isExcluded } from "./dockerignore.ts";
import { DOCKERIGNORE, readRepoFile } from "./layout.ts";
import { replaceOnce } from "./testing.ts";

describe("isExcluded", () => {
  it("lets an exception re-include a folder and everything in it", () => {
    expect(isExcluded("*\n!shared\n", "shared/src/index.ts")).toBe(false);
    expect(isExcluded("*\n!shared\n", "secrets.env")).toBe(true);
  });

  it("applies the last matching line", () => {
    expect(isExcluded("!shared\n*\n", "shared/src/index.ts")).toBe(true);
  });

  it("matches ** at any depth, and * within one folder", () => {
    expect(isExcluded("**/node_modules", "gpu-worker/node_modules/a/index.js")).toBe(true);
    expect(isExcluded("**/node_modules", "node_modules/a/index.js")).toBe(true);
    expect(isExcluded("shared/*.ts", "shared/src/index.ts")).toBe(false);
    expect(isExcluded("shared/*/index.ts", "shared/src/index.ts")).toBe(true);
  });

  it("ignores comments, blank lines and leading or trailing slashes", () => {
    expect(isExcluded("# .local\n\n/.local/\n", ".local/dev.json")).toBe(true);
  });

  it("shows local state leaking when the committed file loses its catch-all", () => {
    const broken = replaceOnce(readRepoFile(DOCKERIGNORE), "\n*\n", "\n");
    expect(isExcluded(broken, ".local/dev.json")).toBe(false);
  });
});
