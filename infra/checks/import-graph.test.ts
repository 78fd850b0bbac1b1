import { describe, expect, it } from "vitest";
import {
  type ImportEdge,
  importCircles,
  importSpecifiers,
  layeringProblems,
  readImportGraph,
  resolveSpecifier,
  workersSafetyProblems,
  workspaceExports,
} from "./import-graph.ts";
import { REPO_ROOT } from "./layout.ts";

const WORKSPACES = new Map([
  ["@ugatit/contracts/protocol", "shared/contracts/src/protocol/index.ts"],
  ["@ugatit/model/checkpoints", "shared/model/src/checkpoints/index.ts"],
]);

/** Edges from `[from, specifier]` pairs, resolved as the repository resolves them. */
function edges(...pairs: [string, string][]): ImportEdge[] {
  return pairs.map(([from, specifier]) => ({
    from,
    specifier,
    target: resolveSpecifier(from, specifier, WORKSPACES),
  }));
}

describe("importSpecifiers", () => {
  it("finds static, type-only, multi-line, side-effect, re-export and dynamic imports, not comments", () => {
    const source = [
      'import { a } from "./a.ts";',
      'import type { B } from "../b.ts";',
      "import {\n  c,\n  d,\n} from '@ugatit/contracts/protocol';",
      'import "./side-effect.ts";',
      'export * from "./e.ts";',
      'const f = await import("node:fs");',
      '// import { g } from "./commented.ts";',
      '/* import { h } from "./block.ts"; */',
    ].join("\n");
    expect(importSpecifiers(source).sort()).toEqual(
      ["../b.ts", "./a.ts", "./e.ts", "./side-effect.ts", "@ugatit/contracts/protocol", "node:fs"].sort(),
    );
  });
});

describe("layeringProblems", () => {
  it("refuses an import running up a floor or across to a sibling, and production code importing tests", () => {
    const problems = layeringProblems(
      edges(
        ["shared/model/src/train/adam.ts", "../../../../gpu-worker/src/cli/main.ts"],
        ["gpu-worker/src/cli/main.ts", "../../../edge/src/index.ts"],
        ["gpu-worker/src/bench.ts", "../../bench/main.ts"],
        ["infra/local/stack.ts", "../../test/helpers/stack.ts"],
      ),
    );
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/shared\/model\/src\/train\/adam\.ts \(model\) imports .* \(gpu-worker\)/);
  });

  it("allows imports down the layers, within a part, and anything from tests", () => {
    expect(
      layeringProblems(
        edges(
          ["gpu-worker/src/cli/main.ts", "@ugatit/model/checkpoints"],
          ["shared/model/src/checkpoints/load.ts", "@ugatit/contracts/protocol"],
          ["edge/src/index.ts", "./routes.ts"],
          ["bench/main.ts", "../edge/src/index.ts"],
          ["test/parity.test.ts", "../bench/main.ts"],
        ),
      ),
    ).toEqual([]);
  });
});

describe("workersSafetyProblems", () => {
  it("finds a Node built-in or model code reached from the edge, through other files too", () => {
    const problems = workersSafetyProblems(
      edges(
        ["edge/src/index.ts", "./a.ts"],
        ["edge/src/a.ts", "@ugatit/contracts/protocol"],
        ["shared/contracts/src/protocol/index.ts", "node:crypto"],
        ["edge/src/b.ts", "@ugatit/model/checkpoints"],
        ["edge/browser/c.ts", "sharp"],
      ),
    );
    expect(problems).toContain(
      "edge/src/index.ts reaches node:crypto (through shared/contracts/src/protocol/index.ts): not safe in Workers and browsers",
    );
    expect(problems.some((p) => p.startsWith("edge/src/b.ts reaches @ugatit/model/checkpoints"))).toBe(true);
    expect(problems.some((p) => p.startsWith("edge/browser/c.ts reaches sharp"))).toBe(true);
  });

  it("lets Node tooling and the worker use Node", () => {
    expect(
      workersSafetyProblems(
        edges(["edge/scripts/keys-cli.ts", "node:fs"], ["gpu-worker/src/a.ts", "node:fs"]),
      ),
    ).toEqual([]);
  });
});

describe("importCircles", () => {
  it("finds a circle of three files and a file importing itself, not a diamond", () => {
    const circles = importCircles(
      edges(
        ["gpu-worker/src/a.ts", "./b.ts"],
        ["gpu-worker/src/b.ts", "./c.ts"],
        ["gpu-worker/src/c.ts", "./a.ts"],
        ["gpu-worker/src/d.ts", "./d.ts"],
        ["gpu-worker/src/e.ts", "./f.ts"],
        ["gpu-worker/src/e.ts", "./g.ts"],
        ["gpu-worker/src/f.ts", "./h.ts"],
        ["gpu-worker/src/g.ts", "./h.ts"],
      ),
    );
    expect(circles).toEqual([
      ["gpu-worker/src/a.ts", "gpu-worker/src/b.ts", "gpu-worker/src/c.ts"],
      ["gpu-worker/src/d.ts"],
    ]);
  });
});

describe("this repository", () => {
  const graph = readImportGraph(REPO_ROOT);

  it("reads a graph that reaches every layer", () => {
    const from = new Set(graph.map((e) => e.from.split("/")[0]));
    expect([...from].sort()).toEqual(expect.arrayContaining(["edge", "gpu-worker", "infra", "shared"]));
    expect(graph.length).toBeGreaterThan(300);
  });

  it("follows a package's conditional exports to its sources (the client publishes built files)", () => {
    const exports = workspaceExports(REPO_ROOT, ["shared/client", "shared/contracts"]);
    expect(exports.get("@ugatit/client")).toBe("shared/client/src/index.ts");
    expect(exports.get("@ugatit/contracts/image")).toBe("shared/contracts/src/image/index.ts");
  });

  it("has no import circle", () => {
    expect(importCircles(graph)).toEqual([]);
  });

  it("has no import running up or across the layers", () => {
    expect(layeringProblems(graph)).toEqual([]);
  });

  it("keeps the edge, the browser code and the contracts free of Node and of the model", () => {
    expect(workersSafetyProblems(graph)).toEqual([]);
  });
});
