import * as tf from "@tensorflow/tfjs-core";
import { activateBackend, BackendError, type BackendName, presentBackends } from "../runtime/backends.ts";

/** Backends that run TF.js ops and their gradients (ONNX Runtime serves inference only). */
const TRAINABLE = (name: BackendName) => name !== "onnx" && name !== "webgpu";

/** Activates the requested TF.js backend, or the best present one, for training. */
export async function activateTrainingBackend(requested?: string): Promise<BackendName> {
  if (requested === "onnx" || requested === "webgpu")
    throw new BackendError(
      `training needs a TF.js backend (tfjs-node-gpu, tfjs-node, wasm or cpu), not ${requested}`,
    );
  const candidates = requested !== undefined ? [requested] : presentBackends().filter(TRAINABLE);
  let failure: unknown;
  for (const name of candidates) {
    try {
      const active = await activateBackend(name);
      // TF.js's test-mode leak check misfires on WASM's copying of tensors saved for gradients.
      tf.env().set("IS_TEST", false);
      return active;
    } catch (error) {
      failure = error;
      if (requested !== undefined) throw error;
    }
  }
  throw failure ?? new BackendError("no TF.js backend could be initialised");
}
