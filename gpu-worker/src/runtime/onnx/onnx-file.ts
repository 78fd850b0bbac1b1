import { open } from "node:fs/promises";
import { basename, extname } from "node:path";
import { type OnnxModelInfo, readOnnxModelInfo } from "@ugatit/model/onnx";

/** A checkpoint that is an exported ONNX model rather than weights: told by its extension. */
export function isOnnxFile(path: string): boolean {
  return extname(path).toLowerCase() === ".onnx";
}

/** The configuration an exported ONNX model carries, read from the head of the file. */
export async function readOnnxFileInfo(path: string): Promise<OnnxModelInfo> {
  const fh = await open(path, "r").catch((error: NodeJS.ErrnoException) => {
    throw new Error(`${basename(path)}: unreadable (${error.code ?? error.message})`);
  });
  try {
    const { size } = await fh.stat();
    return await readOnnxModelInfo(
      {
        size,
        async readInto(target, position) {
          const { bytesRead } = await fh.read(target, 0, target.length, position);
          if (bytesRead !== target.length) throw new Error(`${basename(path)}: truncated`);
        },
      },
      basename(path),
    );
  } finally {
    await fh.close();
  }
}
