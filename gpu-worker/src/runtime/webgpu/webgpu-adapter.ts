/**
 * @module Opening WebGPU through ONNX Runtime: restricting the Vulkan loader to the chosen drivers and
 * checking that Dawn finds an adapter on them, once per process.
 */
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { promisify } from "node:util";
import { DataType, OnnxGraph } from "@ugatit/model/onnx";
import { BackendError } from "../backend-error.ts";
import {
  chooseDrivers,
  gpuDeviceNodes,
  type VulkanDriver,
  vulkanDrivers,
  withArchitecture,
} from "./vulkan-drivers.ts";

/** The adapter the webgpu backend runs on, as far as the Vulkan driver allowed tells (ORT exposes none). */
export interface WebGpuAdapter {
  driver: string;
  vendor: string;
  architecture: string | null;
  /** A CPU implementation (lavapipe, SwiftShader). */
  software: boolean;
}

let opened: WebGpuAdapter | undefined;
const require = createRequire(import.meta.url);
const run = promisify(execFile);

/** First-time shader compilation on a software driver is slow; a hung driver must not hang the start. */
const PROBE_TIMEOUT_MS = 120_000;

/** The adapter opened by {@link openWebGpu} in this process, if any. */
export function activeWebGpuAdapter(): WebGpuAdapter | undefined {
  return opened;
}

/** A one-node graph whose session creation makes ONNX Runtime request the WebGPU adapter and device. */
function probeModel(): Uint8Array {
  const g = new OnnxGraph("webgpu_probe");
  const x = g.input("x", DataType.FLOAT, [4]);
  g.output(g.op("Add", [x, x]), "y", DataType.FLOAT, [4]);
  return g.toModel({ producerName: "ugatit", producerVersion: "0.1.0", metadata: {} });
}

/**
 * Creates a WebGPU session on the probe model in a child process: Dawn writes its Vulkan failures to
 * stderr itself, so they are read there and summed up in one line. Resolves to the reason it failed.
 */
async function probeAdapter(): Promise<string | undefined> {
  const script = `const ort = require(${JSON.stringify(require.resolve("onnxruntime-node"))});
ort.InferenceSession.create(Buffer.from(process.argv[1], "base64"), { executionProviders: ["webgpu"], logSeverityLevel: 3 })
  .then((s) => s.release(), (e) => { console.error("FAILED " + String(e.message).split("\\n")[0]); process.exitCode = 1; });`;
  const model = Buffer.from(probeModel()).toString("base64");
  try {
    await run(process.execPath, ["-e", script, model], { timeout: PROBE_TIMEOUT_MS });
    return undefined;
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? "");
    const failed = /^FAILED (.*)$/m.exec(stderr)?.[1] ?? (error as Error).message.split("\n")[0]!;
    return /Failed to get a WebGPU adapter: ?(.*)$/.exec(failed)?.[1] || failed;
  }
}

function describe(drivers: VulkanDriver[]): WebGpuAdapter {
  const [first] = drivers.map(withArchitecture);
  return {
    driver: drivers.map((d) => d.name).join("+"),
    vendor: first?.vendor ?? "unknown",
    architecture: first?.architecture ?? null,
    software: drivers.every((d) => d.software),
  };
}

/**
 * Makes the WebGPU adapter available: a hardware one, or (only when `allowSoftware`, i.e. the webgpu
 * backend was asked for by name) a software one where no GPU is present. Drivers named by the user's
 * own `VK_DRIVER_FILES`/`VK_ICD_FILENAMES` are used as they are when asked by name.
 * Throws a one-line {@link BackendError} when there is none.
 */
export async function openWebGpu(options: { allowSoftware: boolean }): Promise<WebGpuAdapter> {
  if (opened && (options.allowSoftware || !opened.software)) return opened;
  const userChosen = Boolean(process.env.VK_DRIVER_FILES || process.env.VK_ICD_FILENAMES);
  const installed = vulkanDrivers();
  const drivers =
    userChosen && options.allowSoftware
      ? installed
      : chooseDrivers(installed, { allowSoftware: options.allowSoftware, gpuPresent: gpuDeviceNodes() });
  if (drivers.length === 0) {
    throw new BackendError(
      userChosen
        ? `webgpu: no Vulkan driver in ${process.env.VK_DRIVER_FILES || process.env.VK_ICD_FILENAMES}`
        : `webgpu: no ${options.allowSoftware ? "" : "hardware "}Vulkan driver found (install libvulkan1 and a driver; see docs/GPU.md)`,
    );
  }
  // The loader reads this when Dawn creates its Vulkan instance, which is after this line.
  if (!userChosen) process.env.VK_ICD_FILENAMES = drivers.map((d) => d.manifest).join(":");
  const adapter = describe(drivers);
  const failure = await probeAdapter();
  if (failure !== undefined)
    throw new BackendError(`webgpu: no WebGPU adapter on the ${adapter.driver} Vulkan driver (${failure})`);
  opened = adapter;
  return adapter;
}
