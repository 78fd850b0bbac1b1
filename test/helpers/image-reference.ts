/** @module Node-only helpers for the tests: reads the reference outputs in test/fixtures/image. */

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

const FIXTURES = new URL("../fixtures/image/", import.meta.url);

/** An expected output: its SHA-256, and the bytes themselves (gzipped) when small enough to commit. */
export interface ExpectedBytes {
  sha256: string;
  file?: string;
}

export function readReference<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), "utf8")) as T;
}

/** The bytes to compare with, or their hash when only the hash is committed, so a test compares like with like. */
export function comparable(
  actual: Uint8Array,
  expected: ExpectedBytes,
): { actual: Uint8Array | string; expected: Uint8Array | string } {
  if (expected.file === undefined) return { actual: sha256(actual), expected: expected.sha256 };
  return { actual, expected: new Uint8Array(gunzipSync(readFileSync(new URL(expected.file, FIXTURES)))) };
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export function float32FromBase64(base64: string): Float32Array {
  const bytes = Buffer.from(base64, "base64");
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** The test card of make_reference.py: smooth ramps and hard edges in every channel. */
export function testCard(width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        rgb[(y * width + x) * 3 + c] =
          (x * x * 7 + y * y * 3 + x * y * 5 + c * 85 + ((x * 13) ^ (y * 29))) & 255;
      }
    }
  }
  return rgb;
}
