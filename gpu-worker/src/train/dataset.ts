/**
 * @module The two unpaired image folders of a training run, fed as the official loader does: each
 * domain shuffled per epoch, flipped at random, resized to (size + 30)² and randomly cropped to size²,
 * or, deterministic, in file-name order at size² (the official test transform).
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { resizeBilinear, rgbToModelInput } from "@ugatit/contracts/image";
import { mulberry32 } from "@ugatit/model/architecture";
import { decodeImage } from "../image/index.ts";

const IMAGE_FILE = /\.(png|jpe?g|webp)$/i;

/** The official train transform resizes to size + 30 before its random crop. */
export const CROP_MARGIN = 30;

export class DatasetError extends Error {
  override name = "DatasetError";
}

/** Image files of a folder in file-name (code point) order. */
export async function listImages(dir: string): Promise<string[]> {
  const entries = await readdir(dir).catch(() => {
    throw new DatasetError(`${dir} does not exist or is not a folder`);
  });
  const files = entries.filter((f) => IMAGE_FILE.test(f)).sort();
  if (files.length === 0) throw new DatasetError(`${dir} has no PNG, JPEG or WebP images`);
  return files.map((f) => join(dir, f));
}

/** mulberry32 seeded by a mix of integers: the same (seed, epoch, …) always draws the same numbers. */
export function seededRandom(...keys: number[]): () => number {
  return mulberry32(keys.reduce((h, k) => Math.imul(h ^ (k >>> 0), 0x9e3779b1) + 0x7f4a7c15, 0x12345678));
}

function shuffled(n: number, random: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}

export interface DomainOptions {
  size: number;
  deterministic: boolean;
  seed: number;
}

/** One domain's images, decoded and resized once (to size² or (size + 30)²) and kept in memory. */
export class ImageDomain {
  private readonly cache = new Map<number, Uint8Array>();
  private readonly side: number;

  constructor(
    readonly files: string[],
    readonly domain: number,
    readonly options: DomainOptions,
  ) {
    this.side = options.deterministic ? options.size : options.size + CROP_MARGIN;
  }

  static async open(dir: string, domain: number, options: DomainOptions): Promise<ImageDomain> {
    return new ImageDomain(await listImages(dir), domain, options);
  }

  get length(): number {
    return this.files.length;
  }

  private async resized(index: number): Promise<Uint8Array> {
    const hit = this.cache.get(index);
    if (hit) return hit;
    const file = this.files[index] as string;
    const image = await decodeImage(await readFile(file)).catch((error: Error) => {
      throw new DatasetError(`${file}: ${error.message}`);
    });
    const rgb =
      image.width === this.side && image.height === this.side
        ? image.data
        : resizeBilinear(image.data, image.width, image.height, this.side, this.side);
    this.cache.set(index, rgb);
    return rgb;
  }

  /** The test transform of image `index`: resized to size², in [-1, 1], HWC. */
  async test(index: number): Promise<Float32Array> {
    const { size } = this.options;
    const image = await decodeImage(await readFile(this.files[index] as string));
    const rgb =
      image.width === size && image.height === size
        ? image.data
        : resizeBilinear(image.data, image.width, image.height, size, size);
    return rgbToModelInput(rgb, size, size);
  }

  /** The image of (1-based) iteration `step`, as HWC floats in [-1, 1]. */
  async forIteration(step: number): Promise<Float32Array> {
    const { size, deterministic, seed } = this.options;
    const n = this.files.length;
    const position = step - 1;
    if (deterministic) return rgbToModelInput(await this.resized(position % n), size, size);
    const epoch = Math.floor(position / n);
    const order = shuffled(n, seededRandom(seed, this.domain, epoch));
    const rgb = await this.resized(order[position % n] as number);
    const random = seededRandom(seed, this.domain, 0x5eed, step);
    const flip = random() < 0.5;
    const top = Math.floor(random() * (CROP_MARGIN + 1));
    const left = Math.floor(random() * (CROP_MARGIN + 1));
    return rgbToModelInput(crop(rgb, this.side, top, left, size, flip), size, size);
  }
}

/** A size² window of a side² RGB image at (top, left), mirrored left to right when `flip`. */
function crop(rgb: Uint8Array, side: number, top: number, left: number, size: number, flip: boolean) {
  const out = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const sx = flip ? side - 1 - (left + x) : left + x;
      const from = ((top + y) * side + sx) * 3;
      out.set(rgb.subarray(from, from + 3), (y * size + x) * 3);
    }
  }
  return out;
}
