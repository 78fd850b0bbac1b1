/**
 * @module An exported model written to a temporary folder for ONNX Runtime to read, its weights as
 * external data beside it. From bytes in memory a session holds those bytes, the parsed model and its
 * own weights at once; from a file with the weights inline it still parses them once before copying
 * them; with external data it reads each tensor into place (a 1.1 GB generator: 3.4 GB, 2.3 GB and
 * 1.2 GB at the peak of the session's creation).
 */
import { createWriteStream } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { GeneratorRecording } from "@ugatit/model/onnx";

const MODEL = "model.onnx";
const DATA = "model.onnx.data";

/** Writes `model.onnx` and its `model.onnx.data` into `dir`; the weights stream out, never copied whole. */
async function writeModelFiles({ graph, model }: GeneratorRecording, dir: string): Promise<string> {
  const split = graph.toModelWithExternalData(model, DATA);
  await pipeline(Readable.from(split.data), createWriteStream(join(dir, DATA), { flags: "wx", mode: 0o600 }));
  await writeFile(join(dir, MODEL), split.model, { flag: "wx", mode: 0o600 });
  return join(dir, MODEL);
}

/**
 * Runs `use` on the model written to a new folder in the temporary folder (`TMPDIR`), removed when
 * `use` ends: a session keeps what it read, not the files.
 */
export async function withModelFiles<T>(
  recording: GeneratorRecording,
  use: (path: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "ugatit-onnx-"));
  try {
    const path = await writeModelFiles(recording, dir).catch((error: NodeJS.ErrnoException) => {
      throw new Error(`writing the exported model to ${dir} failed (${error.code ?? error.message})`);
    });
    return await use(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
