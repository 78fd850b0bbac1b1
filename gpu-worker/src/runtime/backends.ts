import { createRequire } from "node:module";
import * as tf from "@tensorflow/tfjs-core";
import { BackendError } from "./backend-error.ts";
import { presentExecutionProviders } from "./onnx/providers.ts";
import { chooseDrivers, gpuDeviceNodes, vulkanDrivers } from "./webgpu/vulkan-drivers.ts";
import { openWebGpu } from "./webgpu/webgpu-adapter.ts";

export { BackendError };

/**
 * The backends the worker and CLI can run on: ONNX Runtime (its CUDA and TensorRT providers where
 * present, else its CPU kernels), ONNX Runtime on WebGPU (Dawn over a Vulkan driver), then the TF.js
 * backends. The default order is {@link defaultBackendOrder}.
 */
export const BACKEND_NAMES = ["onnx", "webgpu", "tfjs-node-gpu", "tfjs-node", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

interface BackendSpec {
  /** The package that provides the backend (for TF.js, whose import registers it). */
  module: string;
  /** The name TF.js registers it under; none for ONNX Runtime, which is not a TF.js backend. */
  tfName?: string;
}

const SPECS: Record<BackendName, BackendSpec> = {
  onnx: { module: "onnxruntime-node" },
  webgpu: { module: "onnxruntime-node" },
  "tfjs-node-gpu": { module: "@tensorflow/tfjs-node-gpu", tfName: "tensorflow" },
  "tfjs-node": { module: "@tensorflow/tfjs-node", tfName: "tensorflow" },
  wasm: { module: "@tensorflow/tfjs-backend-wasm", tfName: "wasm" },
  cpu: { module: "@tensorflow/tfjs-backend-cpu", tfName: "cpu" },
};

const require = createRequire(import.meta.url);

function installed(name: BackendName): boolean {
  try {
    require.resolve(SPECS[name].module);
  } catch {
    return false;
  }
  // onnxruntime-node's Linux x64 library carries WebGPU (Dawn), which needs a Vulkan driver
  if (name === "webgpu") return process.platform === "linux" && vulkanDrivers().length > 0;
  return true;
}

/**
 * Backends whose packages are installed here (the libtensorflow ones are optional dependencies), and
 * webgpu where a Vulkan driver is, hardware or software.
 */
export function presentBackends(): BackendName[] {
  return BACKEND_NAMES.filter(installed);
}

/** Whether WebGPU would find a hardware driver (a GPU device node and a driver that is not a CPU one). */
function hardwareWebGpu(): boolean {
  return chooseDrivers(vulkanDrivers(), { allowSoftware: false, gpuPresent: gpuDeviceNodes() }).length > 0;
}

/**
 * The backends tried when none is named, best first: ONNX Runtime when a CUDA provider is present, else
 * WebGPU on a hardware adapter, then ONNX Runtime on the CPU, then TF.js. A software adapter (lavapipe,
 * SwiftShader) is never in it: it is far slower than the CPU provider.
 */
export function defaultBackendOrder(): BackendName[] {
  const present = presentBackends().filter((name) => name !== "webgpu");
  if (!present.includes("onnx") || !hardwareWebGpu()) return present;
  const cuda = presentExecutionProviders().some((p) => p !== "cpu");
  return cuda ? ["onnx", "webgpu", ...present.slice(1)] : ["webgpu", ...present];
}

function isBackendName(name: string): name is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(name);
}

async function activate(name: BackendName, explicit: boolean): Promise<void> {
  if (name === "webgpu") {
    await openWebGpu({ allowSoftware: explicit });
    return;
  }
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
    // webgpu without a driver is not "absent": openWebGpu says what is missing
    if (!present.includes(requested) && !(requested === "webgpu" && installed("onnx"))) {
      throw new BackendError(`backend "${requested}" is not installed here; present: ${present.join(", ")}`);
    }
    await activate(requested, true);
    return requested;
  }
  for (const name of defaultBackendOrder()) {
    try {
      await activate(name, false);
      return name;
    } catch {
      // A GPU build without its drivers fails to load; the next backend serves instead.
    }
  }
  throw new BackendError("no backend could be initialised");
}
