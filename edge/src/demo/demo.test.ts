import { describe, expect, it } from "vitest";
import { DEMO_ASSETS } from "../../browser/asset-paths.ts";
import { call } from "../../test/workerd/api.ts";

describe("the demo page", () => {
  it("is an HTML shell at / whose policy runs its own script files only, and its one style sheet", async () => {
    const first = await call("/");
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toMatch(/text\/html/);
    const policy = first.headers.get("content-security-policy") ?? "";
    // its script, the in-browser translation and onnxruntime-web's: same origin, those paths only;
    // WebAssembly compiled, nothing evaluated, nothing inline; one thread, so no workers
    expect(policy).toContain(
      "script-src 'wasm-unsafe-eval' https://edge.test/demo/demo-page.js https://edge.test/demo/translate-in-browser.js https://edge.test/ort/;",
    );
    expect(policy).toContain("style-src https://edge.test/demo/demo-page.css;");
    expect(policy).toMatch(/connect-src 'self' http:\/\/127\.0\.0\.1:\d+/);
    expect(policy).toMatch(/img-src 'self' blob: http:\/\/127\.0\.0\.1:\d+/);
    expect(policy).toMatch(/^default-src 'none';/);
    expect(policy).not.toMatch(
      /'unsafe-eval'|'unsafe-inline'|'nonce-|worker-src|(script|style)-src[^;]*(blob:|'self'|\*)/,
    );
  });

  it("holds markup only: its script and style are the static assets the policy names", async () => {
    const html = await (await call("/")).text();
    expect(html).toContain(`<script type="module" src="${DEMO_ASSETS.script}"></script>`);
    expect(html).toContain(`<link rel="stylesheet" href="${DEMO_ASSETS.style}">`);
    // no inline script, style or handler the policy would refuse
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toMatch(/<style|style="|\son[a-z]+=/);
    // no picture before there is one: the result frames start hidden, with no src
    expect(html).not.toMatch(/<img[^>]* src=/);
    expect(html.match(/<figure hidden>/g)).toHaveLength(3);
    expect(html).toContain('<div id="results" hidden>');
  });

  it("links an icon it serves itself, so the policy's img-src covers it", async () => {
    const html = await (await call("/")).text();
    expect(html).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml">');
    expect(html).not.toContain("data:");
    const icon = await call("/favicon.svg");
    expect(icon.status).toBe(200);
    expect(icon.headers.get("content-type")).toBe("image/svg+xml");
    expect(icon.headers.get("content-security-policy")).toMatch(/^default-src 'none'/);
    expect(await icon.text()).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  });
});
