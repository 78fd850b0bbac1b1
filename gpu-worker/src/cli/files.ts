import { readFile, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { writeBytesAtomically } from "@ugatit/model/checkpoints";

export class FileError extends Error {
  override name = "FileError";
}

/** Reads a user-named file, with one-line errors for the usual mistakes. */
export async function readUserFile(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new FileError(`${what} ${path} does not exist`);
    if (code === "EISDIR") throw new FileError(`${what} ${path} is a folder, not a file`);
    if (code === "EACCES") throw new FileError(`${what} ${path} is not readable`);
    throw new FileError(`${what} ${path}: ${(error as Error).message}`);
  }
}

/** Fails early, before any compute, when an output would land in a folder that does not exist. */
export async function assertOutputFolder(path: string, what: string): Promise<void> {
  const folder = dirname(resolve(path));
  const info = await stat(folder).catch(() => undefined);
  if (!info?.isDirectory()) throw new FileError(`${what} ${path}: folder ${folder} does not exist`);
}

/** Writes through a temporary file and a rename, so a reader never sees half a file. */
export async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  await writeBytesAtomically(path, data).catch((error: Error) => {
    throw new FileError(`cannot write ${path}: ${error.message}`);
  });
}

/** `--input -`: the whole of standard input, which must be piped, not a terminal. */
export async function readStdin(): Promise<Buffer> {
  if (process.stdin.isTTY) throw new FileError("--input -: standard input is a terminal; pipe an image in");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** `--output -`: the image on standard output, which must not be a terminal. */
export function assertStdoutTakesBytes(): void {
  if (process.stdout.isTTY)
    throw new FileError("--output -: standard output is a terminal; redirect it to a file");
}

export async function writeStdout(data: Uint8Array): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    process.stdout.write(data, (error) => (error ? reject(error) : resolve())),
  );
}
