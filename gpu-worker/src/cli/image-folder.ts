import { readdir } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import type { ImageFormat } from "@ugatit/contracts/image";
import { FileError } from "./files.ts";

const IMAGE_EXTENSIONS = new Set([".png", ".jpg", ".jpeg", ".webp"]);
const FORMAT_EXTENSIONS: Record<ImageFormat, string> = { png: ".png", jpeg: ".jpg", webp: ".webp" };

/** The PNG, JPEG and WebP files directly in `folder` (by extension, any case), sorted by name. */
export async function listImages(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const images = entries
    .filter((e) => e.isFile() && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase()))
    .map((e) => e.name)
    .sort();
  if (images.length === 0) throw new FileError(`--input ${folder} holds no PNG, JPEG or WebP file`);
  return images.map((name) => join(folder, name));
}

/** The output beside `input`'s name in `folder`: the same name, or its stem with `format`'s extension. */
export function outputName(input: string, folder: string, format?: ImageFormat): string {
  const name = basename(input);
  if (format === undefined) return join(folder, name);
  return join(folder, `${basename(name, extname(name))}${FORMAT_EXTENSIONS[format]}`);
}
