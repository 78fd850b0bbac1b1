import { describe, expect, it } from "vitest";
import reference from "../../../docs/API.md?raw";
import { call } from "../../test/workerd/api.ts";

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

/** `METHOD /path` for every operation of an OpenAPI document. */
function operations(doc: { paths: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => m in item).map((m) => `${m.toUpperCase()} ${path}`),
  );
}

/** The `### METHOD /path` headings of the reference page. */
function documented(markdown: string): string[] {
  return [...markdown.matchAll(/^### ([A-Z]+ \/\S+)$/gm)].map((m) => m[1] as string);
}

describe("docs/API.md", () => {
  it("documents every operation of /openapi.json, and no other", async () => {
    const doc = (await (await call("/openapi.json")).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(documented(reference).sort()).toEqual(operations(doc).sort());
  });

  it("names every field of every JSON request body in its operation's section", async () => {
    const doc = (await (await call("/openapi.json")).json()) as {
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: { $ref?: string } }> } }>
      >;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    const missing: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of METHODS) {
        const ref = item[method]?.requestBody?.content["application/json"]?.schema.$ref;
        if (!ref) continue;
        const heading = `### ${method.toUpperCase()} ${path}\n`;
        const start = reference.indexOf(heading);
        const end = reference.indexOf("\n#", start + heading.length);
        const section = reference.slice(start, end === -1 ? undefined : end);
        const schema = doc.components.schemas[ref.replace("#/components/schemas/", "")];
        for (const field of Object.keys(schema?.properties ?? {})) {
          if (!new RegExp(`\\b${field}\\b`).test(section)) missing.push(`${method} ${path}: ${field}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
