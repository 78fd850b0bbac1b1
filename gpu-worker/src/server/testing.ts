/** @module What the tests of `ugatit serve` over HTTP share: job bodies, problem details, the CLI's pixels. */
import { join } from "node:path";
import sharp from "sharp";
import { expect } from "vitest";
import { ROOT } from "../../../test/helpers/processes.ts";
import { translateLight64 } from "../cli/testing.ts";

export const PARITY = join(ROOT, "test/fixtures/ugatit-parity");

/** A builder of `model`'s /v1/infer bodies: job `id` turns in/a.png A2B into out/<id>.png, unless `extra` says otherwise. */
export function inferJobs(model: string) {
  return (id: string, extra: Record<string, unknown> = {}) => ({
    job_id: id,
    model,
    direction: "A2B",
    input_key: "in/a.png",
    output_keys: { image: `out/${id}.png` },
    ...extra,
  });
}

/** The problem details of a response, after checking that it says it is one. */
export async function problemOf(r: Response) {
  expect(r.headers.get("content-type")).toBe("application/problem+json");
  return (await r.json()) as {
    type: string;
    status: number;
    title: string;
    detail?: string;
    request_id?: string;
  };
}

/** An image's pixels without alpha, to compare outputs encoded apart. */
export async function rgbOf(bytes: Uint8Array) {
  return sharp(bytes).removeAlpha().raw().toBuffer();
}

/** `ugatit translate` of `input` with light64's A2B generator at 64², as a user runs it, into `output`. */
export async function translateLight64A2B(input: string, output: string): Promise<void> {
  const r = await translateLight64("--input", input, "--output", output);
  if (r.code !== 0) throw new Error(`ugatit translate exited with ${r.code}: ${r.stderr}`);
}
