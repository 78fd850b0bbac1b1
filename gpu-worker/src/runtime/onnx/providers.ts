/** @module ONNX Runtime's execution providers present here, told from its files without loading it. */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** ONNX Runtime's execution providers the onnx backend uses, best first. */
export const EXECUTION_PROVIDERS = ["tensorrt", "cuda", "cpu"] as const;
/** What a session runs on: one of those, or WebGPU for the webgpu backend. */
export type ExecutionProvider = (typeof EXECUTION_PROVIDERS)[number] | "webgpu";

const require = createRequire(import.meta.url);

/** onnxruntime-node installs a GPU provider's library beside its binding only where CUDA is set up. */
function providerLibrary(provider: "tensorrt" | "cuda"): string {
  const bin = join(
    dirname(require.resolve("onnxruntime-node")),
    "..",
    "bin",
    "napi-v6",
    process.platform,
    process.arch,
  );
  const file = `onnxruntime_providers_${provider}`;
  return join(bin, process.platform === "win32" ? `${file}.dll` : `lib${file}.so`);
}

/** The providers of the onnx backend present here, best first; the CPU provider ships in the package. */
export function presentExecutionProviders(): (typeof EXECUTION_PROVIDERS)[number][] {
  return EXECUTION_PROVIDERS.filter((p) => p === "cpu" || existsSync(providerLibrary(p)));
}
