/** @module A self-contained HTML reference rendered from the OpenAPI document: no scripts, no third-party assets. */

import type { OpenAPIHono } from "@hono/zod-openapi";

type OpenApiDocument = ReturnType<OpenAPIHono["getOpenAPI31Document"]>;
type PathItem = NonNullable<NonNullable<OpenApiDocument["paths"]>[string]>;
type Operation = NonNullable<PathItem["get"]>;

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

export function renderDocsPage(document: OpenApiDocument): string {
  const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    METHODS.flatMap((method) => (item[method] ? [{ path, method, op: item[method] }] : [])),
  );
  const { title, version, description } = document.info;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
code,.path{font-family:ui-monospace,monospace}
section{border-top:1px solid #ddd;padding:.5rem 0}
.method{display:inline-block;min-width:4.5rem;font-weight:700;text-transform:uppercase}
table{border-collapse:collapse}td{padding:.1rem .8rem .1rem 0;vertical-align:top}
</style>
</head>
<body>
<h1>${escapeHtml(title)} <small>${escapeHtml(version)}</small></h1>
<p>${escapeHtml(description ?? "")}</p>
<p>The machine-readable description: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
${operations.map(({ path, method, op }) => operationHtml(path, method, op)).join("")}
</body>
</html>`;
}

function operationHtml(path: string, method: string, op: Operation): string {
  const params = (op.parameters ?? [])
    .flatMap((p) => ("name" in p ? [p] : []))
    .map(
      (p) =>
        `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${p.in}${p.required ? ", required" : ""}</td><td>${escapeHtml(p.description ?? "")}</td></tr>`,
    )
    .join("");
  const content = op.requestBody && "content" in op.requestBody ? op.requestBody.content : {};
  const body = Object.keys(content).map(escape).join(", ");
  const responses = Object.entries(op.responses ?? {})
    .map(
      ([status, r]) =>
        `<tr><td>${escapeHtml(status)}</td><td>${escapeHtml((r as { description?: string }).description ?? "")}</td></tr>`,
    )
    .join("");
  return `<section><h2><span class="method">${method}</span> <span class="path">${escapeHtml(path)}</span></h2>
<p><strong>${escapeHtml(op.summary ?? "")}</strong></p><p>${escapeHtml(op.description ?? "")}</p>
${params ? `<h3>Parameters</h3><table>${params}</table>` : ""}
${body ? `<h3>Body</h3><p>${body}</p>` : ""}
<h3>Responses</h3><table>${responses}</table></section>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
