import { availableParallelism } from "node:os";
import { InferenceSession } from "onnxruntime-node";
import { type ExecutionProvider, presentExecutionProviders } from "./providers.ts";

export interface OnnxSession {
  session: InferenceSession;
  /** The provider the session runs on (nodes it cannot take fall back to the CPU). */
  provider: ExecutionProvider;
}

/**
 * An inference session: on WebGPU (nodes it lacks kernels for, the shape arithmetic, run on the CPU), or
 * on the best present provider that starts: a GPU provider whose CUDA libraries are missing fails at
 * session creation, and the next one is tried. Intra-op threads: one per core.
 */
export async function createSession(
  model: Uint8Array | string,
  on: { webgpu?: boolean } = {},
): Promise<OnnxSession> {
  const providers: ExecutionProvider[] = on.webgpu ? ["webgpu"] : presentExecutionProviders();
  let failure: unknown;
  for (const [i, provider] of providers.entries()) {
    try {
      const options: InferenceSession.SessionOptions = {
        executionProviders: providers.slice(i),
        intraOpNumThreads: availableParallelism(),
        interOpNumThreads: 1,
        executionMode: "sequential",
        graphOptimizationLevel: "all",
        // on WebGPU, ORT warns on every session that shape arithmetic stays on the CPU, as intended
        ...(on.webgpu ? { logSeverityLevel: 3 as const } : {}),
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
