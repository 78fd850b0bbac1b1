/** @module @ugatit/client: a typed client for the U-GAT-IT translation API, for Node ≥ 20.3, browsers and Workers. */
export {
  type ClientOptions,
  type CreateTranslationOptions,
  createClient,
  type ModelOnnx,
  type RequestOptions,
  type TranslateOptions,
  type Translation,
  type UgatitClient,
} from "./client.ts";
export {
  ApiNetworkError,
  ApiProblemError,
  TranslationFailedError,
  TranslationTimeoutError,
} from "./errors.ts";
export { type ImageInput, sniffImageType } from "./image-input.ts";
export type { components, paths } from "./openapi.ts";
export type { Fetch } from "./transport.ts";
export type * from "./types.ts";
