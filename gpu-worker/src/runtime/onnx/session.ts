import { availableParallelism } from "node:os";
import { InferenceSession } from "onnxruntime-node";
import { type ExecutionProvider, presentExecutionProviders } from "./providers.ts";

export interface OnnxSession {
  session: InferenceSession;
  /** The provider the session runs on (nodes it cannot take fall back to the CPU). */
  provider: ExecutionProvider;
}

export interface SessionChoices {
  webgpu?: boolean;
  /**
   * Let kernels keep packed copies of their weights (ONNX Runtime's default; true unless false). Packed,
   * a fully connected layer computes each row of a batch as it computes it alone, so a batched image's
   * outputs equal the same image's alone, bit for bit; unpacked they differ by about 1e-6. int8
   * convolutions run on packed filters. Packing a full generator's 1 GB fully connected layer costs a
   * second copy of it while the session is made (2.1× the checkpoint at the peak, against 1.27×).
   */
  prepack?: boolean;
  /** Intra-op threads (default: one a core). */
  threads?: number;
  /**
   * Let idle intra-op threads spin, as ONNX Runtime does by default (false unless true: see
   * {@link createSession}); for the benchmark that compares the two.
   */
  spinning?: boolean;
}

/**
 * An inference session: on WebGPU (nodes it lacks kernels for, the shape arithmetic, run on the CPU), or
 * on the best present provider that starts: a GPU provider whose CUDA libraries are missing fails at
 * session creation, and the next one is tried. Intra-op threads: one per core, which sleep between
 * parallel loops instead of spinning (ONNX Runtime's default spins): a spinning thread holds a core that
 * the thread a loop waits for needs whenever anything else runs on the machine (the worker's HTTP, image
 * decoding, other processes), and int8's many short loops lose the most (`npm run bench -- --suites int8`).
 */
export async function createSession(
  model: Uint8Array | string,
  on: SessionChoices = {},
): Promise<OnnxSession> {
  const providers: ExecutionProvider[] = on.webgpu ? ["webgpu"] : presentExecutionProviders();
  let failure: unknown;
  for (const [i, provider] of providers.entries()) {
    try {
      const options: InferenceSession.SessionOptions = {
        executionProviders: providers.slice(i),
        intraOpNumThreads: on.threads ?? availableParallelism(),
        interOpNumThreads: 1,
        executionMode: "sequential",
        graphOptimizationLevel: "all",
        // on WebGPU, ORT warns on every session that shape arithmetic stays on the CPU, as intended
        ...(on.webgpu ? { logSeverityLevel: 3 as const } : {}),
        extra: {
          session: {
            intra_op: { allow_spinning: on.spinning ? "1" : "0" },
            ...(on.prepack === false ? { disable_prepacking: "1" } : {}),
          },
        },
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
