import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { InferenceSession } from "onnxruntime-node";

/** ONNX Runtime's execution providers this backend uses, best first. */
export const EXECUTION_PROVIDERS = ["tensorrt", "cuda", "cpu"] as const;
export type ExecutionProvider = (typeof EXECUTION_PROVIDERS)[number];

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

/** The providers present here, best first; the CPU provider ships in the package. */
export function presentExecutionProviders(): ExecutionProvider[] {
  return EXECUTION_PROVIDERS.filter((p) => p === "cpu" || existsSync(providerLibrary(p)));
}

export interface OnnxSession {
  session: InferenceSession;
  /** The provider the session runs on (nodes it cannot take fall back to the CPU). */
  provider: ExecutionProvider;
}

/**
 * An inference session on the best present provider that starts: a GPU provider whose CUDA libraries
 * are missing fails at session creation, and the next one is tried. Intra-op threads: one per core.
 */
export async function createSession(model: Uint8Array | string): Promise<OnnxSession> {
  const providers = presentExecutionProviders();
  let failure: unknown;
  for (const [i, provider] of providers.entries()) {
    try {
      const options: InferenceSession.SessionOptions = {
        executionProviders: providers.slice(i),
        intraOpNumThreads: availableParallelism(),
        interOpNumThreads: 1,
        executionMode: "sequential",
        graphOptimizationLevel: "all",
      };
      const session =
        typeof model === "string"
          ? await InferenceSession.create(model, options)
          : await InferenceSession.create(model, options);
      return { session, provider };
    } catch (error) {
      failure = error;
    }
  }
  throw failure;
}
