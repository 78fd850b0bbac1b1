import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { decodeImage, formatFromPath } from "../image/index.ts";
import type { RgbImage } from "../runtime/translator.ts";
import { FileError, readUserFile } from "./files.ts";

/** Largest side of a calibration image read (each is resized to the model's side anyway). */
const MAX_SIDE = 4096;

const isImageName = (name: string) => {
  try {
    formatFromPath(name);
    return true;
  } catch {
    return false;
  }
};

/** The images of a calibration folder (PNG, JPEG, WebP; other files ignored), in name order. */
export async function readCalibrationImages(folder: string): Promise<RgbImage[]> {
  const entries = await readdir(folder, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") throw new FileError(`--calibration ${folder} does not exist`);
    if (error.code === "ENOTDIR") throw new FileError(`--calibration ${folder} is a file, not a folder`);
    throw new FileError(`--calibration ${folder}: ${error.message}`);
  });
  const names = entries
    .filter((e) => e.isFile() && isImageName(e.name))
    .map((e) => e.name)
    .sort();
  if (names.length === 0) throw new FileError(`--calibration ${folder} holds no .png, .jpg or .webp images`);
  const images: RgbImage[] = [];
  for (const name of names) {
    const path = join(folder, name);
    const bytes = await readUserFile(path, "calibration image");
    images.push(
      await decodeImage(bytes, { maxSide: MAX_SIDE }).catch((error: Error) => {
        throw new FileError(`calibration image ${path}: ${error.message}`);
      }),
    );
  }
  return images;
}
