/** @module The API's bodies by name, taken from the types generated from its OpenAPI document. */
import type { components } from "./openapi.ts";

type Schemas = components["schemas"];

export type Upload = Schemas["Upload"];
export type CreateUploadRequest = Schemas["CreateUploadRequest"];
export type ImageContentType = CreateUploadRequest["content_type"];
export type TranslationRequest = Schemas["TranslationRequest"];
export type TranslationJob = Schemas["TranslationJob"];
export type JobStatus = TranslationJob["status"];
export type Direction = TranslationRequest["direction"];
export type OutputKind = NonNullable<TranslationRequest["outputs"]>[number];
export type OutputFormat = NonNullable<TranslationRequest["format"]>;
export type ResizePolicy = NonNullable<TranslationRequest["resize"]>;
export type Framing = NonNullable<TranslationRequest["framing"]>;
export type Compose = NonNullable<TranslationRequest["compose"]>;
export type ModelList = Schemas["ModelList"];
export type Model = Schemas["Model"];
/** An RFC 9457 problem as the API sends it; members beyond the schema's (e.g. `max_bytes`) are kept. */
export type Problem = Schemas["Problem"] & Record<string, unknown>;
