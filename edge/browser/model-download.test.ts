import { describe, expect, it } from "vitest";
import { BrowserTranslationError, downloadModel, formatBytes } from "./model-download.ts";

const describeAnswer = async (r: Response) =>
  `${((await r.json()) as { title: string }).title} [${r.status}]`;

/** An answer whose body arrives in `chunks`, with a Content-Length unless told not to send one. */
function answer(chunks: number[], init: { length?: boolean; headers?: Record<string, string> } = {}) {
  const total = chunks.reduce((n, c) => n + c, 0);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const [i, n] of chunks.entries()) controller.enqueue(new Uint8Array(n).fill(i + 1));
      controller.close();
    },
  });
  return Promise.resolve(
    new Response(body, {
      headers: {
        ...(init.length === false ? {} : { "content-length": String(total) }),
        "x-model-id": "light@1",
        ...init.headers,
      },
    }),
  );
}

describe("downloadModel", () => {
  it("reads the file whole, reporting progress, with the id the server resolved", async () => {
    const seen: [number, number | undefined][] = [];
    const model = await downloadModel(answer([3, 2]), {
      describe: describeAnswer,
      onProgress: (got, total) => seen.push([got, total]),
    });
    expect([...model.bytes]).toEqual([1, 1, 1, 2, 2]);
    expect(model.id).toBe("light@1");
    expect(seen).toEqual([
      [3, 5],
      [5, 5],
    ]);
  });

  it("refuses a model over the cap from its Content-Length, before reading it", async () => {
    let read = false;
    const error = await downloadModel(answer([10], { headers: { "content-length": "300000000" } }), {
      describe: describeAnswer,
      onProgress: () => {
        read = true;
      },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(BrowserTranslationError);
    expect(error.message).toBe(
      "The model is 300.0 MB, too big to run in a browser (at most 268.4 MB): translate it on the server",
    );
    expect(read).toBe(false);
  });

  it("refuses a model over the cap without a Content-Length as soon as it passes it", async () => {
    const error = await downloadModel(answer([2000, 2000, 2000], { length: false }), {
      describe: describeAnswer,
      maxBytes: 3000,
    }).catch((e) => e);
    expect(error.message).toMatch(/^The model is 4 kB, too big to run in a browser \(at most 3 kB\)/);
  });

  it("says why the server refused, in the page's words, and when the network failed", async () => {
    const refused = new Response(JSON.stringify({ title: "Light model required" }), {
      status: 422,
      headers: { "content-type": "application/problem+json" },
    });
    await expect(downloadModel(Promise.resolve(refused), { describe: describeAnswer })).rejects.toThrow(
      "The model could not be downloaded: Light model required [422]",
    );
    await expect(
      downloadModel(Promise.reject(new TypeError("Failed to fetch")), { describe: describeAnswer }),
    ).rejects.toThrow("The model could not be downloaded: Failed to fetch");
  });
});

describe("formatBytes", () => {
  it("says sizes the way a person reads them", () => {
    expect([formatBytes(41_234_567), formatBytes(2_500), formatBytes(12)]).toEqual([
      "41.2 MB",
      "3 kB",
      "1 kB",
    ]);
  });
});
