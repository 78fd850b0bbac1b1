import { z } from "zod";
import { DIRECTIONS } from "../directions.ts";
import { ModelDomains } from "../domains.ts";
import { Compose, Framing, FramingResult } from "./framing.ts";

/** `name@version`, or a bare `name` meaning the newest version the worker has. */
export const ModelRef = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,63}(@[A-Za-z0-9._-]{1,32})?$/,
    "a model is name or name@version (lower-case name)",
  );

/** A direction, validated: the schema of `Direction` in `../directions.ts`. */
export const Direction = z.enum(DIRECTIONS);
export type Direction = z.infer<typeof Direction>;
export const OutputFormat = z.enum(["png", "jpeg", "webp"]);
export type OutputFormat = z.infer<typeof OutputFormat>;

/** An S3 object key as both services write them: no leading slash, no `..` segments. */
export const ObjectKey = z
  .string()
  .min(1)
  .max(1024)
  .refine(
    (k) => !k.startsWith("/") && !k.split("/").includes(".."),
    "an object key has no leading / and no .. segment",
  );

/**
 * How an input that is not the model's size is made so: `fit` resizes the whole image (the official
 * test transform; the aspect ratio changes), `crop` takes the centred square first, then resizes. The
 * older spelling of `framing` (`fit` and `center`), which wins when both are given.
 */
export const ResizePolicy = z.enum(["fit", "crop"]);
export type ResizePolicy = z.infer<typeof ResizePolicy>;

/** The body of `POST /v1/infer`, edge → worker. */
export const InferRequest = z.object({
  job_id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, "a job id is 1–128 letters, digits, _ or -"),
  model: ModelRef,
  direction: Direction,
  input_key: ObjectKey,
  output_keys: z.object({
    image: ObjectKey,
    /** Written only when given. */
    heatmap: ObjectKey.optional(),
  }),
  output_format: OutputFormat.default("png"),
  resize: ResizePolicy.default("fit"),
  /** Absent: the model's declared framing, else what `resize` says. */
  framing: Framing.optional(),
  compose: Compose.default("crop"),
  /** How long the caller waits; past it the worker answers 504 and drops the work. */
  timeout_ms: z.number().int().min(1).max(600_000).optional(),
});
export type InferRequest = z.infer<typeof InferRequest>;
export type InferRequestInput = z.input<typeof InferRequest>;

export const StoredOutput = z.object({
  key: ObjectKey,
  content_type: z.string(),
  bytes: z.number().int().nonnegative(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});

/** The worker's answer to a successful `POST /v1/infer`. */
export const InferResponse = z.object({
  job_id: z.string(),
  model: z.string(),
  direction: Direction,
  outputs: z.object({ image: StoredOutput, heatmap: StoredOutput.optional() }),
  cam_logit: z.tuple([z.number(), z.number()]),
  framing: FramingResult,
  compose: Compose,
  input: z.object({ width: z.number().int(), height: z.number().int(), format: z.string() }),
  size: z.number().int(),
  backend: z.string(),
  batch_size: z.number().int().positive(),
  timings_ms: z.object({
    queue: z.number(),
    decode: z.number(),
    /** Finding the box: face detection for `face`, next to nothing otherwise. */
    framing: z.number(),
    inference: z.number(),
    encode: z.number(),
    storage: z.number(),
    total: z.number(),
  }),
});
export type InferResponse = z.infer<typeof InferResponse>;

/** One entry of the worker's `GET /v1/models`. */
export const ModelInfo = z.object({
  id: z.string(),
  name: z.string(),
  version: z.string(),
  directions: z.array(Direction),
  light: z.boolean(),
  size: z.number().int(),
  ngf: z.number().int(),
  n_blocks: z.number().int(),
  parameters: z.number().int(),
  untrained: z.boolean(),
  /** The framing used when a request names none (declared in the model file; `fit` when not). */
  framing: Framing,
  /** null for a model whose file names no domains (a worker from before domains sends none). */
  domains: ModelDomains.nullable().default(null),
});
export type ModelInfo = z.infer<typeof ModelInfo>;

/**
 * The worker's path for a model's generator as an ONNX file (`GET`, signed like every `/v1` call; the
 * direction is in the path so that the signature covers it).
 *
 * @example
 * workerOnnxPath("selfie2anime@1", "A2B"); // "/v1/models/selfie2anime@1/onnx/A2B"
 */
export function workerOnnxPath(model: string, direction: Direction): string {
  return `/v1/models/${model}/onnx/${direction}`;
}
