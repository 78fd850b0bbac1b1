import type { GeneratorConfig } from "@ugatit/model/architecture";

export const DEFAULT_LIGHT_SIZE = 256;
/** Light models run at any side divisible by 4; past this the activations outgrow a worker's memory. */
export const MAX_LIGHT_SIZE = 2048;
/** The smallest side whose 64× downsampled features still take the reflection padding. */
export const MIN_LIGHT_SIZE = 8;

export class InputSizeError extends Error {
  override name = "InputSizeError";
}

/** The side images are resized to: fixed by a full model's checkpoint, chosen (default 256) for a light one. */
export function resolveInputSize(config: GeneratorConfig, requested?: number): number {
  if (!config.light) {
    const fixed = config.imgSize as number;
    if (requested !== undefined && requested !== fixed) {
      throw new InputSizeError(
        `--size ${requested} conflicts with this full model, whose input size is fixed at ${fixed}`,
      );
    }
    return fixed;
  }
  const size = requested ?? DEFAULT_LIGHT_SIZE;
  if (!Number.isInteger(size) || size % 4 !== 0 || size < MIN_LIGHT_SIZE || size > MAX_LIGHT_SIZE) {
    throw new InputSizeError(
      `--size must be a multiple of 4 from ${MIN_LIGHT_SIZE} to ${MAX_LIGHT_SIZE} for a light model, got ${size}`,
    );
  }
  return size;
}
