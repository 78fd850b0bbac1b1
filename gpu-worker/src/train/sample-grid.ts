/**
 * @module The official training sample picture: per sample a column of seven tiles — the input, then
 * heatmap and image of its identity mapping, its translation and its cycle reconstruction.
 */
import * as tf from "@tensorflow/tfjs-core";
import { heatmapToRgb, modelOutputToRgb } from "@ugatit/contracts/image";
import type { Generator } from "@ugatit/model/architecture";
import { encodeImage } from "../image/index.ts";

/** [tile rows of RGB, size² each] → one PNG with the tiles of a sample in a column. */
async function gridPng(columns: Uint8Array[][], size: number): Promise<Buffer> {
  const rows = columns[0]?.length ?? 0;
  const width = columns.length * size;
  const out = new Uint8Array(width * rows * size * 3);
  columns.forEach((tiles, c) => {
    tiles.forEach((tile, r) => {
      for (let y = 0; y < size; y++) {
        const to = ((r * size + y) * width + c * size) * 3;
        out.set(tile.subarray(y * size * 3, (y + 1) * size * 3), to);
      }
    });
  });
  return encodeImage(out, width, rows * size, "png");
}

/** The seven tiles of one input through `forward` (its domain's translator) and `back`. */
async function sampleColumn(x: Float32Array, size: number, forward: Generator, back: Generator) {
  const input = tf.tensor4d(x, [1, size, size, 3]);
  const identity = back.forward(input);
  const translated = forward.forward(input);
  const cycle = back.forward(translated.image);
  const side = size / 4;
  const tiles: Uint8Array[] = [modelOutputToRgb(x)];
  for (const out of [identity, translated, cycle]) {
    tiles.push(heatmapToRgb((await out.heatmap.data()) as Float32Array, side, size));
    tiles.push(modelOutputToRgb((await out.image.data()) as Float32Array));
  }
  tf.dispose([input, identity, translated, cycle]);
  return tiles;
}

/**
 * The A2B picture (inputs from A) or the B2A one, as PNG bytes.
 *
 * @example const png = await sampleGrid(testImagesA, 96, genA2B, genB2A);
 */
export async function sampleGrid(
  inputs: Float32Array[],
  size: number,
  forward: Generator,
  back: Generator,
): Promise<Buffer> {
  const columns: Uint8Array[][] = [];
  for (const x of inputs) columns.push(await sampleColumn(x, size, forward, back));
  return gridPng(columns, size);
}
