import { describe, expect, it } from "vitest";
import { call } from "../../test/workerd/api.ts";

describe("the demo page", () => {
  it("is served at / with a per-request script nonce and a policy naming the storage origin", async () => {
    const first = await call("/");
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toMatch(/text\/html/);
    const html = await first.text();
    const nonce = /<script type="module" nonce="([^"]+)">/.exec(html)?.[1];
    expect(nonce).toBeTruthy();
    const policy = first.headers.get("content-security-policy") ?? "";
    expect(policy).toContain(`script-src 'nonce-${nonce}'`);
    expect(policy).toMatch(/connect-src 'self' http:\/\/127\.0\.0\.1:\d+/);
    expect(policy).toMatch(/img-src 'self' blob: http:\/\/127\.0\.0\.1:\d+/);
    // the in-browser translation: its module and onnxruntime-web's, same origin, those paths only;
    // WebAssembly compiled, nothing evaluated; one thread, so no workers
    expect(policy).toContain(
      `script-src 'nonce-${nonce}' 'wasm-unsafe-eval' https://edge.test/demo/translate-in-browser.js https://edge.test/ort/;`,
    );
    expect(policy).not.toMatch(
      /'unsafe-eval'|'unsafe-inline' [^;]*script|worker-src|script-src[^;]*(blob:|'self'|\*)/,
    );
    const again = /nonce="([^"]+)"/.exec(await (await call("/")).text())?.[1];
    expect(again).not.toBe(nonce);
  });

  it("uses the public API as any client does", async () => {
    const html = await (await call("/")).text();
    for (const used of [
      '"/v1/uploads"',
      '"/v1/translations"',
      '"/v1/models"',
      'prefer: "wait=60"',
      'import("/demo/translate-in-browser.js")',
      "problem",
    ]) {
      expect(html).toContain(used.replace("problem", "readableError"));
    }
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
