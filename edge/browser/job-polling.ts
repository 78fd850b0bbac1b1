/// <reference lib="dom" />
/**
 * @module A translation on the server: `POST /v1/translations` waiting up to a minute for the answer, then,
 * if the job is still running (202), polling its Location until it ends.
 */
import type { Direction } from "@ugatit/contracts/directions";
import type { Compose, Framing } from "@ugatit/contracts/protocol";
import type { TranslationJob } from "../src/translations/schemas.ts";
import { PageError, readableError } from "./api-errors.ts";

const POLL_INTERVAL_MS = 1000;

/** How long the first request asks the API to hold the answer (`Prefer: wait`), in seconds. */
const WAIT_SECONDS = 60;

export interface TranslationOrder {
  uploadId: string;
  direction: Direction;
  /** Unset: the service's default model. */
  model: string | undefined;
  /** Unset: the model's declared framing. */
  framing: Framing | undefined;
  compose: Compose;
}

async function poll(
  location: string,
  headers: Record<string, string>,
  onStatus: (text: string) => void,
): Promise<TranslationJob> {
  for (;;) {
    const answer = await fetch(location, { headers });
    if (!answer.ok) throw new PageError(await readableError(answer));
    const job = (await answer.json()) as TranslationJob;
    if (job.status !== "queued" && job.status !== "running") return job;
    onStatus(`Job ${job.status}…`);
    await new Promise((done) => setTimeout(done, POLL_INTERVAL_MS));
  }
}

/** Runs the translation to its end; resolves with the succeeded job, throws the failure in words. */
export async function translateOnServer(
  order: TranslationOrder,
  headers: Record<string, string>,
  onStatus: (text: string) => void,
): Promise<TranslationJob & { output: NonNullable<TranslationJob["output"]> }> {
  const body = {
    upload_id: order.uploadId,
    direction: order.direction,
    outputs: ["image", "heatmap"],
    ...(order.model ? { model: order.model } : {}),
    ...(order.framing ? { framing: order.framing } : {}),
    compose: order.compose,
  };
  const created = await fetch("/v1/translations", {
    method: "POST",
    headers: { ...headers, "content-type": "application/json", prefer: `wait=${WAIT_SECONDS}` },
    body: JSON.stringify(body),
  });
  if (!created.ok) throw new PageError(await readableError(created));
  let job = (await created.json()) as TranslationJob;
  const location = created.headers.get("location");
  if (created.status === 202 && location) job = await poll(location, headers, onStatus);
  if (job.status !== "succeeded" || !job.output) {
    const why = job.error ? `: ${job.error.detail || job.error.title}` : "";
    throw new PageError(`The translation ${job.status}${why}`);
  }
  return { ...job, output: job.output };
}
