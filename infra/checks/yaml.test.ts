import { describe, expect, it } from "vitest";
import { parseYamlDocuments } from "./yaml.ts";

describe("parseYamlDocuments", () => {
  it("returns every document of a stream", () => {
    expect(parseYamlDocuments("a: 1\n---\nb: 2\n", "two.yaml")).toEqual({
      documents: [{ a: 1 }, { b: 2 }],
      problems: [],
    });
  });

  it.each([
    ["a duplicate key", "a: 1\na: 2\n", "Map keys must be unique"],
    ["bad indentation", "a:\n  b: 1\n c: 2\n", "bad.yaml: "],
    ["an unclosed flow sequence", "a: [1, 2\n", "bad.yaml: "],
    ["a tab for indentation", "a:\n\tb: 1\n", "bad.yaml: "],
  ])("reports %s and returns no document", (_, text, expected) => {
    const { documents, problems } = parseYamlDocuments(text, "bad.yaml");
    expect(documents).toEqual([]);
    expect(problems).toContainEqual(expect.stringContaining(expected));
  });

  it("reports a file with no document", () => {
    expect(parseYamlDocuments("# only a comment\n", "empty.yaml").problems).toEqual([
      "empty.yaml: no YAML document",
    ]);
  });
});
