/** @module createClient: the API's routes as typed methods, and translate() doing the whole flow in one call. */
import { TranslationFailedError, TranslationTimeoutError } from "./errors.ts";
import { type ImageInput, toImageBlob } from "./image-input.ts";
import { createTransport, type Fetch } from "./transport.ts";
import type {
  Compose,
  CreateUploadRequest,
  Direction,
  Framing,
  ImageContentType,
  ModelList,
  OutputFormat,
  OutputKind,
  ResizePolicy,
  TranslationJob,
  TranslationRequest,
  Upload,
} from "./types.ts";
import { isFinished, pollUntilFinished } from "./wait.ts";

export interface ClientOptions {
  /** The API's address, e.g. `https://api.example.com` or `http://127.0.0.1:8787` for `npm start`. */
  baseUrl: string | URL;
  /** An API key (`ugk_…`); without one, requests are anonymous (where the service allows it). */
  apiKey?: string;
  /** The fetch to use (a test double, a Worker's service binding); the global fetch by default. */
  fetch?: Fetch;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface CreateTranslationOptions extends RequestOptions {
  /** `Prefer: wait=N`: answer with the finished job if it finishes within N seconds (at most 60). */
  waitSeconds?: number;
  /** The same key with the same body gives the same job, once; with another body, a 409 problem. */
  idempotencyKey?: string;
}

export interface TranslateOptions extends RequestOptions {
  direction: Direction;
  /** name or name@version; the service's default model when absent. */
  model?: string;
  /** What to produce; the API's default is both. */
  outputs?: OutputKind[];
  /** The translated image's format; PNG by default. */
  format?: OutputFormat;
  resize?: ResizePolicy;
  /** The part of the photo translated (fit, center, face); the model's default when absent. */
  framing?: Framing;
  /** crop: the translated frame; paste: the whole photo back with the translation blended in. */
  compose?: Compose;
  /** The image's type when its bytes should not decide it. */
  contentType?: ImageContentType;
  /** How long the whole call may take: upload, translation and waiting. 120 s by default. */
  timeoutMs?: number;
  /** How long the translation request itself waits for the job (`Prefer: wait`); 0 polls from the start. */
  waitSeconds?: number;
}

/** A succeeded job, and its outputs' bytes on demand (their URLs expire after minutes). */
export interface Translation {
  job: TranslationJob & { status: "succeeded"; output: NonNullable<TranslationJob["output"]> };
  image(options?: RequestOptions): Promise<Uint8Array<ArrayBuffer>>;
  /** Null when the heatmap was not asked for. */
  heatmap(options?: RequestOptions): Promise<Uint8Array<ArrayBuffer> | null>;
}

export interface ModelOnnx {
  bytes: Uint8Array<ArrayBuffer>;
  /** Send it back as `ifNoneMatch` to get null while the file is unchanged. */
  etag: string | null;
}

export interface UgatitClient {
  /** POST /v1/uploads: a presigned PUT for an image of this type and size. */
  createUpload(request: CreateUploadRequest, options?: RequestOptions): Promise<Upload>;
  /** PUT the image to the upload's presigned URL with exactly the headers it names. */
  putUpload(upload: Upload, image: Blob, options?: RequestOptions): Promise<void>;
  /** Both: the upload, ready to name in a translation. */
  upload(image: ImageInput, options?: RequestOptions & { contentType?: ImageContentType }): Promise<Upload>;
  /** POST /v1/translations: the job, finished if it finished within `waitSeconds`. */
  createTranslation(request: TranslationRequest, options?: CreateTranslationOptions): Promise<TranslationJob>;
  /** GET /v1/translations/{id}. */
  getTranslation(id: string, options?: RequestOptions): Promise<TranslationJob>;
  /** DELETE /v1/translations/{id}: the canceled job if it was queued; null once a finished one is deleted. */
  deleteTranslation(id: string, options?: RequestOptions): Promise<TranslationJob | null>;
  /** Polls the job until it has finished (succeeded, failed or canceled). */
  waitForTranslation(id: string, options?: RequestOptions): Promise<TranslationJob>;
  /** Upload, translate, wait: the succeeded job and its outputs. Throws TranslationFailedError otherwise. */
  translate(image: ImageInput, options: TranslateOptions): Promise<Translation>;
  /** GET /v1/models. */
  listModels(options?: RequestOptions): Promise<ModelList>;
  /** GET /v1/models/{model}/onnx: a light model's generator; null when `ifNoneMatch` is still current. */
  downloadModelOnnx(
    model: string,
    direction: Direction,
    options?: RequestOptions & { ifNoneMatch?: string },
  ): Promise<ModelOnnx | null>;
  /** The bytes behind a presigned output URL. */
  download(url: string, options?: RequestOptions): Promise<Uint8Array<ArrayBuffer>>;
}

const DEFAULT_TIMEOUT_MS = 120_000;
/** The longest `Prefer: wait` the API grants. */
const MAX_WAIT_SECONDS = 60;

/**
 * A client for one API address and key. Errors: ApiProblemError (the API's problem details),
 * ApiNetworkError (no answer), TranslationFailedError and TranslationTimeoutError (translate).
 *
 * @example
 * const client = createClient({ baseUrl: "http://127.0.0.1:8787", apiKey: process.env.UGATIT_API_KEY });
 * const { job, image } = await client.translate(bytes, { direction: "A2B" });
 */
export function createClient(options: ClientOptions): UgatitClient {
  const transport = createTransport(options);
  const json = { "content-type": "application/json" };
  const jobPath = (id: string) => `/v1/translations/${encodeURIComponent(id)}`;
  const read = async <T>(response: Response) => (await response.json()) as T;

  /** The job as POST answers it, where to poll it, and when first (its Retry-After). */
  async function submit(request: TranslationRequest, options: CreateTranslationOptions = {}) {
    const headers: Record<string, string> = { ...json };
    const wait = Math.min(Math.max(0, Math.floor(options.waitSeconds ?? 0)), MAX_WAIT_SECONDS);
    if (wait > 0) headers.prefer = `wait=${wait}`;
    if (options.idempotencyKey) headers["idempotency-key"] = options.idempotencyKey;
    const response = await transport.api("POST", "/v1/translations", {
      headers,
      body: JSON.stringify(request),
      ...signalOf(options),
    });
    const job = await read<TranslationJob>(response);
    const retryAfter = Number(response.headers.get("retry-after"));
    return {
      job,
      location: response.headers.get("location") ?? jobPath(job.id),
      firstPollMs: retryAfter > 0 ? retryAfter * 1000 : undefined,
    };
  }

  async function download(url: string, options: RequestOptions = {}): Promise<Uint8Array<ArrayBuffer>> {
    const response = await transport.presigned("GET", url, signalOf(options));
    return new Uint8Array(await response.arrayBuffer());
  }

  const client: UgatitClient = {
    async createUpload(request, options = {}) {
      const response = await transport.api("POST", "/v1/uploads", {
        headers: json,
        body: JSON.stringify(request),
        ...signalOf(options),
      });
      return read<Upload>(response);
    },

    async putUpload(upload, image, options = {}) {
      const announced = Object.entries(upload.headers).find(
        ([name]) => name.toLowerCase() === "content-length",
      );
      if (announced && Number(announced[1]) !== image.size) {
        throw new RangeError(`the image has ${image.size} bytes; its upload announced ${announced[1]}`);
      }
      const response = await transport.presigned(upload.method, upload.url, {
        headers: upload.headers,
        body: image,
        ...signalOf(options),
      });
      await response.body?.cancel();
    },

    async upload(image, options = {}) {
      const { blob, contentType } = await toImageBlob(image, options.contentType);
      const upload = await client.createUpload(
        { content_type: contentType, content_length: blob.size },
        options,
      );
      await client.putUpload(upload, blob, options);
      return upload;
    },

    async createTranslation(request, options) {
      return (await submit(request, options)).job;
    },

    async getTranslation(id, options = {}) {
      return read<TranslationJob>(await transport.api("GET", jobPath(id), signalOf(options)));
    },

    async deleteTranslation(id, options = {}) {
      const response = await transport.api("DELETE", jobPath(id), signalOf(options));
      return response.status === 204 ? null : read<TranslationJob>(response);
    },

    async waitForTranslation(id, options = {}) {
      const job = await client.getTranslation(id, options);
      if (isFinished(job)) return job;
      return pollUntilFinished(() => client.getTranslation(id, options), undefined, options.signal);
    },

    async translate(image, options) {
      const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
      let jobId: string | undefined;
      try {
        const upload = await client.upload(image, {
          signal,
          ...(options.contentType ? { contentType: options.contentType } : {}),
        });
        const { direction, model, outputs, format, resize, framing, compose } = options;
        const created = await submit(
          {
            upload_id: upload.upload_id,
            direction,
            ...defined({ model, outputs, format, resize, framing, compose }),
          },
          { signal, waitSeconds: options.waitSeconds ?? Math.floor(timeoutMs / 1000) },
        );
        jobId = created.job.id;
        const job = isFinished(created.job)
          ? created.job
          : await pollUntilFinished(
              async () => read<TranslationJob>(await transport.api("GET", created.location, { signal })),
              created.firstPollMs,
              signal,
            );
        if (job.status !== "succeeded" || !job.output) throw new TranslationFailedError(job);
        const output = job.output;
        return {
          job: { ...job, status: "succeeded", output },
          image: (options) => download(output.image_url, options),
          heatmap: async (options) => (output.heatmap_url ? download(output.heatmap_url, options) : null),
        };
      } catch (error) {
        if (timeout.aborted && !options.signal?.aborted) throw new TranslationTimeoutError(timeoutMs, jobId);
        throw error;
      }
    },

    async listModels(options = {}) {
      return read<ModelList>(await transport.api("GET", "/v1/models", signalOf(options)));
    },

    async downloadModelOnnx(model, direction, options = {}) {
      const path = `/v1/models/${encodeURIComponent(model)}/onnx?direction=${direction}`;
      const headers: Record<string, string> = options.ifNoneMatch
        ? { "if-none-match": options.ifNoneMatch }
        : {};
      const response = await transport.api("GET", path, { headers, ...signalOf(options) });
      if (response.status === 304) return null;
      return { bytes: new Uint8Array(await response.arrayBuffer()), etag: response.headers.get("etag") };
    },

    download,
  };
  return client;
}

/** `signal` as fetch takes it: absent rather than undefined (exactOptionalPropertyTypes). */
function signalOf(options: RequestOptions): { signal?: AbortSignal } {
  return options.signal ? { signal: options.signal } : {};
}

/** The members that are set: the API applies its defaults to the others. */
function defined<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}
