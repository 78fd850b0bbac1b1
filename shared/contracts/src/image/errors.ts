/** @module Why an image was refused. */

export type ImageErrorCode = "unsupported_format" | "truncated" | "too_large" | "corrupt";

/**
 * An image that cannot be read or is refused, with a one-line message fit to show the user.
 *
 * @example
 * throw new ImageError("too_large", "image is 20000×300: a side over 8192 pixels");
 */
export class ImageError extends Error {
  override readonly name = "ImageError";

  constructor(
    readonly code: ImageErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
