/**
 * @module The Vulkan drivers WebGPU (Dawn, inside onnxruntime-node) can run on, read from the Vulkan
 * loader's ICD manifests, and the choice between hardware and software ones. onnxruntime-node exposes
 * no adapter information, so the worker decides which drivers the loader may see (`VK_ICD_FILENAMES`)
 * and reports the driver it allowed.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { z } from "zod";

/** Where the Vulkan loader looks for ICD manifests on Linux (after `XDG_DATA_DIRS`' own `vulkan/icd.d`). */
export const ICD_FOLDERS = [
  "/etc/vulkan/icd.d",
  "/usr/local/etc/vulkan/icd.d",
  "/usr/local/share/vulkan/icd.d",
  "/usr/share/vulkan/icd.d",
];

/** Drivers that compute on the CPU: far slower than ONNX Runtime's CPU provider, never chosen by default. */
const SOFTWARE_DRIVERS: Record<string, { name: string; vendor: string; architecture: string }> = {
  libvulkan_lvp: { name: "lavapipe", vendor: "Mesa", architecture: "llvmpipe (CPU)" },
  libvk_swiftshader: { name: "swiftshader", vendor: "Google", architecture: "SwiftShader (CPU)" },
};

/** Hardware drivers by the library they load: who makes the GPU behind them. */
const HARDWARE_VENDORS: Record<string, string> = {
  libGLX_nvidia: "NVIDIA",
  libnvidia: "NVIDIA",
  libvulkan_nouveau: "NVIDIA",
  libvulkan_radeon: "AMD",
  libamdvlk: "AMD",
  libvulkan_intel: "Intel",
  libvulkan_intel_hasvk: "Intel",
  libvulkan_virtio: "virtio-gpu",
  libvulkan_dzn: "Microsoft (WSL)",
};

const manifestSchema = z.object({
  ICD: z.object({ library_path: z.string().min(1), api_version: z.string().optional() }),
});

/** One ICD manifest: the driver library it names and what kind of device that drives. */
export interface VulkanDriver {
  manifest: string;
  library: string;
  /** lavapipe, swiftshader, or the library's name for hardware drivers. */
  name: string;
  vendor: string;
  software: boolean;
  architecture?: string;
}

/** What a driver's library name says about it (`libvulkan_lvp.so` → lavapipe, software). */
export function describeDriver(manifest: string, library: string): VulkanDriver {
  const stem = basename(library).replace(/\.so(\.\d+)*$/, "");
  const software = SOFTWARE_DRIVERS[stem];
  if (software) return { manifest, library, ...software, software: true };
  const vendor = Object.entries(HARDWARE_VENDORS).find(([prefix]) => stem.startsWith(prefix))?.[1];
  return { manifest, library, name: stem.replace(/^lib/, ""), vendor: vendor ?? "unknown", software: false };
}

/** The driver a manifest names, or undefined for a file that is not one. */
export function readManifest(path: string): VulkanDriver | undefined {
  try {
    const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
    return parsed.success ? describeDriver(path, parsed.data.ICD.library_path) : undefined;
  } catch {
    return undefined;
  }
}

/** Manifest paths in the loader's order: `VK_DRIVER_FILES`/`VK_ICD_FILENAMES` when set, else the folders. */
export function manifestPaths(env: NodeJS.ProcessEnv = process.env, folders = icdFolders(env)): string[] {
  const chosen = env.VK_DRIVER_FILES || env.VK_ICD_FILENAMES;
  if (chosen) return chosen.split(":").filter(Boolean);
  return folders.flatMap((folder) => {
    try {
      return readdirSync(folder)
        .filter((f) => f.endsWith(".json"))
        .sort()
        .map((f) => join(folder, f));
    } catch {
      return [];
    }
  });
}

function icdFolders(env: NodeJS.ProcessEnv): string[] {
  const xdg = (env.XDG_DATA_DIRS ?? "").split(":").filter(Boolean);
  return [...new Set([...xdg.map((d) => join(d, "vulkan/icd.d")), ...ICD_FOLDERS])];
}

/** The Vulkan drivers installed here (or those the environment names). */
export function vulkanDrivers(env: NodeJS.ProcessEnv = process.env): VulkanDriver[] {
  return manifestPaths(env).flatMap((path) => readManifest(path) ?? []);
}

/** Whether a GPU device node exists: NVIDIA's, a DRM render node, or WSL's. */
export function gpuDeviceNodes(): boolean {
  if (existsSync("/dev/nvidia0") || existsSync("/dev/dxg")) return true;
  try {
    return readdirSync("/dev/dri").some((f) => f.startsWith("renderD"));
  } catch {
    return false;
  }
}

/** The GPU's model as NVIDIA's driver reports it (`/proc/driver/nvidia`), where readable. */
function nvidiaModel(): string | undefined {
  try {
    const [gpu] = readdirSync("/proc/driver/nvidia/gpus");
    if (!gpu) return undefined;
    const info = readFileSync(join("/proc/driver/nvidia/gpus", gpu, "information"), "utf8");
    return /^Model:\s*(.+)$/m.exec(info)?.[1]?.trim();
  } catch {
    return undefined;
  }
}

/**
 * The drivers WebGPU should see: hardware ones where a GPU device node exists, else (only when
 * `allowSoftware`) the software ones. Empty when there is nothing to run on.
 */
export function chooseDrivers(
  drivers: VulkanDriver[],
  options: { allowSoftware: boolean; gpuPresent: boolean },
): VulkanDriver[] {
  const hardware = options.gpuPresent ? drivers.filter((d) => !d.software) : [];
  if (hardware.length > 0) return hardware;
  return options.allowSoftware ? drivers.filter((d) => d.software) : [];
}

/** The drivers' details for reports: one entry per driver allowed (the NVIDIA model where known). */
export function withArchitecture(driver: VulkanDriver): VulkanDriver {
  if (driver.vendor !== "NVIDIA" || driver.architecture) return driver;
  const model = nvidiaModel();
  return model ? { ...driver, architecture: model } : driver;
}
