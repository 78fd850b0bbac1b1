import { open, readFile } from "node:fs/promises";
import { basename, extname } from "node:path";
import { OnnxModelError, type OnnxModelInfo, readOnnxModelInfo } from "@ugatit/model/onnx";

/** A checkpoint that is an exported ONNX model rather than weights: told by its extension. */
export function isOnnxFile(path: string): boolean {
  return extname(path).toLowerCase() === ".onnx";
}

/** An exported model held whole: the bytes a session runs and a client downloads, and what they say. */
export interface OnnxModel {
  bytes: Uint8Array<ArrayBuffer>;
  info: OnnxModelInfo;
}

function unreadable(path: string) {
  return (error: NodeJS.ErrnoException): never => {
    throw new OnnxModelError(basename(path), `unreadable (${error.code ?? error.message})`);
  };
}

/** The configuration an exported ONNX model carries, read from the head of the file. */
export async function readOnnxFileInfo(path: string): Promise<OnnxModelInfo> {
  const fh = await open(path, "r").catch(unreadable(path));
  try {
    const { size } = await fh.stat();
    return await readOnnxModelInfo(
      {
        size,
        async readInto(target, position) {
          const { bytesRead } = await fh.read(target, 0, target.length, position);
          if (bytesRead !== target.length) throw new OnnxModelError(basename(path), "truncated");
        },
      },
      basename(path),
    );
  } finally {
    await fh.close();
  }
}

/** An exported model already in memory (`file` names it in messages). */
export async function onnxModelFromBytes(bytes: Uint8Array<ArrayBuffer>, file: string): Promise<OnnxModel> {
  const info = await readOnnxModelInfo(
    {
      size: bytes.length,
      async readInto(target, position) {
        if (position + target.length > bytes.length) throw new OnnxModelError(file, "truncated");
        target.set(bytes.subarray(position, position + target.length));
      },
    },
    file,
  );
  return { bytes, info };
}

/** An exported model file, read once, whole. */
export async function readOnnxFile(path: string): Promise<OnnxModel> {
  const bytes = new Uint8Array(await readFile(path).catch(unreadable(path)));
  return onnxModelFromBytes(bytes, basename(path));
}
