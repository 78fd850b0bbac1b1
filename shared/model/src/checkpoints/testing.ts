/** @module Fixture paths and assertions shared by this folder's tests. */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect } from "vitest";
import { discriminatorParamShapes } from "../architecture/discriminator-spec.ts";
import type { TorchWeights } from "../architecture/params.ts";
import { CheckpointError, type CheckpointErrorCode } from "./errors.ts";
import { writeTorchCheckpoint } from "./torch-zip-writer.ts";

export const PARITY = fileURLToPath(new URL("../../../../test/fixtures/ugatit-parity/", import.meta.url));
export const CHECKPOINTS = fileURLToPath(new URL("../../../../test/fixtures/checkpoints/", import.meta.url));

/** What make_checkpoints.py recorded for each floating-point tensor, read with torch. */
export interface ReferenceTensor {
  shape: number[];
  dtype: string;
  /** Of the tensor's float32 values (torch's `.float()`), little-endian. */
  sha256: string;
  sum: number;
  first: number[];
}

export async function reference(): Promise<Record<string, Record<string, ReferenceTensor>>> {
  return JSON.parse(await readFile(join(CHECKPOINTS, "reference.json"), "utf8"));
}

export function sha256(data: Float32Array): string {
  return createHash("sha256")
    .update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    .digest("hex");
}

/** A scratch folder for files a test makes; `remove` deletes it. */
export interface Scratch {
  path(name: string): string;
  remove(): Promise<void>;
}

export async function scratch(): Promise<Scratch> {
  const dir = await mkdtemp(join(tmpdir(), "weights-test-"));
  return { path: (name) => join(dir, name), remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Runs `source` as a module (probe.mjs in `dir`) in a fresh Node process with `args`, so the peak RSS it
 * reports is its own; resolves with the JSON it prints.
 */
export async function runMemoryProbe<T>(dir: Scratch, source: string, ...args: string[]): Promise<T> {
  await writeFile(dir.path("probe.mjs"), source);
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--experimental-strip-types", "--no-warnings", dir.path("probe.mjs"), ...args],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout) as T;
}

/**
 * Awaits a rejection and checks it is a CheckpointError with `code`, whose message is one line
 * starting with the file's name and matching `pattern`.
 */
export async function expectCheckpointError(
  promise: Promise<unknown>,
  code: CheckpointErrorCode,
  file: string,
  pattern?: RegExp,
): Promise<CheckpointError> {
  const error = await promise.then(
    () => expect.fail(`expected a ${code} CheckpointError`),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CheckpointError);
  const checkpointError = error as CheckpointError;
  expect({ code: checkpointError.code, message: checkpointError.message }).toMatchObject({ code });
  expect(checkpointError.message).not.toMatch(/[\r\n]/);
  expect(checkpointError.message.startsWith(`${file}: `)).toBe(true);
  if (pattern) expect(checkpointError.message).toMatch(pattern);
  return checkpointError;
}

export const TF_UGATIT = fileURLToPath(new URL("../../../../test/fixtures/tf-ugatit/", import.meta.url));

/**
 * Writes an official-layout checkpoint at `path` with `generator` as both genA2B and genB2A and small
 * discriminators (ndf 8, filled by `discriminator`), as the memory tests need: big where a full model is
 * big. Resolves with the file's size in bytes.
 */
export async function writeFullCheckpoint(
  path: string,
  generator: TorchWeights,
  discriminator: (shapes: Map<string, number[]>) => TorchWeights,
): Promise<number> {
  const d = (nLayers: number) => discriminator(discriminatorParamShapes({ ndf: 8, nLayers }));
  await writeTorchCheckpoint(
    path,
    new Map([
      ["genA2B", generator],
      ["genB2A", generator],
      ["disGA", d(7)],
      ["disGB", d(7)],
      ["disLA", d(5)],
      ["disLB", d(5)],
    ]),
  );
  return (await stat(path)).size;
}
