import { createRequire } from "node:module";
import * as tf from "@tensorflow/tfjs-core";

/**
 * The backends the worker and CLI can run on, best first: ONNX Runtime (its CUDA and TensorRT providers
 * where present, else its CPU kernels, the fastest here), then the TF.js backends.
 */
export const BACKEND_NAMES = ["onnx", "tfjs-node-gpu", "tfjs-node", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

interface BackendSpec {
  /** The package that provides the backend (for TF.js, whose import registers it). */
  module: string;
  /** The name TF.js registers it under; none for ONNX Runtime, which is not a TF.js backend. */
  tfName?: string;
}

const SPECS: Record<BackendName, BackendSpec> = {
  onnx: { module: "onnxruntime-node" },
  "tfjs-node-gpu": { module: "@tensorflow/tfjs-node-gpu", tfName: "tensorflow" },
  "tfjs-node": { module: "@tensorflow/tfjs-node", tfName: "tensorflow" },
  wasm: { module: "@tensorflow/tfjs-backend-wasm", tfName: "wasm" },
  cpu: { module: "@tensorflow/tfjs-backend-cpu", tfName: "cpu" },
};

export class BackendError extends Error {
  override name = "BackendError";
}

const require = createRequire(import.meta.url);

function installed(name: BackendName): boolean {
  try {
    require.resolve(SPECS[name].module);
    return true;
  } catch {
    return false;
  }
}

/** Backends whose packages are installed here (the libtensorflow ones are optional dependencies). */
export function presentBackends(): BackendName[] {
  return BACKEND_NAMES.filter(installed);
}

function isBackendName(name: string): name is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(name);
}

async function activate(name: BackendName): Promise<void> {
  const { module, tfName } = SPECS[name];
  // Importing registers a TF.js backend (only the chosen one: both tfjs-node variants claim "tensorflow");
  // importing onnxruntime-node loads its native library, which is all there is to check before a session.
  await import(module);
  if (tfName === undefined) return;
  if (!(await tf.setBackend(tfName))) throw new BackendError(`backend "${name}" failed to initialise`);
  await tf.ready();
}

/**
 * Activates `requested`, or else the best present backend that initialises.
 * Asking for one that is not installed names those that are.
 */
export async function activateBackend(requested?: string): Promise<BackendName> {
  // The CPU backend's "install tfjs-node" banner is noise when the best backend is already chosen for you.
  tf.env().set("IS_TEST", true);
  const present = presentBackends();
  if (requested !== undefined) {
    if (!isBackendName(requested)) {
      throw new BackendError(
        `unknown backend "${requested}" (known: ${BACKEND_NAMES.join(", ")}; present: ${present.join(", ")})`,
      );
    }
    if (!present.includes(requested)) {
      throw new BackendError(`backend "${requested}" is not installed here; present: ${present.join(", ")}`);
    }
    await activate(requested);
    return requested;
  }
  for (const name of present) {
    try {
      await activate(name);
      return name;
    } catch {
      // A GPU build without its drivers fails to load; the next backend serves instead.
    }
  }
  throw new BackendError("no backend could be initialised");
}
