/**
 * @module Fetching a model's ONNX file for the browser: problem details in words, a size cap checked before
 * the download, progress while it runs.
 */

/** Light generators are tens of megabytes (official configuration: 41 MB); past this a tab runs out of memory. */
export const MAX_BROWSER_MODEL_BYTES = 256 * 1024 * 1024;

/** A failure of translating in the browser, its message one sentence fit to show the user. */
export class BrowserTranslationError extends Error {
  override readonly name = "BrowserTranslationError";
}

/** "41.2 MB" */
export function formatBytes(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1e3))} kB`;
}

export interface DownloadedModel {
  bytes: Uint8Array<ArrayBuffer>;
  /** The model id the server resolved (a bare name means its newest version). */
  id: string;
}

export interface DownloadOptions {
  /** An error answer in words (the page's wording of the API's problem details). */
  describe: (response: Response) => Promise<string>;
  onProgress?: (received: number, total: number | undefined) => void;
  maxBytes?: number;
}

/**
 * Downloads `GET /v1/models/{model}/onnx?direction=…` whole, refusing a file over `maxBytes` from its
 * Content-Length before reading it, and reporting progress as it arrives.
 *
 * @example
 * const { bytes } = await downloadModel(fetch("/v1/models/selfie2anime/onnx?direction=A2B"), { describe });
 */
export async function downloadModel(
  answer: Promise<Response>,
  options: DownloadOptions,
): Promise<DownloadedModel> {
  const { describe, onProgress = () => undefined, maxBytes = MAX_BROWSER_MODEL_BYTES } = options;
  let response: Response;
  try {
    response = await answer;
  } catch (error) {
    throw new BrowserTranslationError(
      `The model could not be downloaded: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!response.ok) {
    throw new BrowserTranslationError(`The model could not be downloaded: ${await describe(response)}`);
  }
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  const total = Number.isFinite(declared) ? declared : undefined;
  const tooBig = (size: number) =>
    new BrowserTranslationError(
      `The model is ${formatBytes(size)}, too big to run in a browser (at most ${formatBytes(maxBytes)}): translate it on the server`,
    );
  if (total !== undefined && total > maxBytes) {
    await response.body?.cancel();
    throw tooBig(total);
  }
  const id = response.headers.get("x-model-id") ?? "";
  const reader = response.body?.getReader();
  if (!reader) return { bytes: new Uint8Array(await response.arrayBuffer()), id };
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.length;
    if (received > maxBytes) {
      await reader.cancel();
      throw tooBig(received);
    }
    chunks.push(value);
    onProgress(received, total);
  }
  const bytes = new Uint8Array(received);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return { bytes, id };
}
