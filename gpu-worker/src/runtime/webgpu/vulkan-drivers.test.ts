import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  chooseDrivers,
  describeDriver,
  manifestPaths,
  readManifest,
  vulkanDrivers,
} from "./vulkan-drivers.ts";

const dir = mkdtempSync(join(tmpdir(), "ugatit-icd-"));
function manifest(name: string, library: string): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ file_format_version: "1.0.0", ICD: { library_path: library } }));
  return path;
}

const lavapipe = describeDriver("/icd/lvp_icd.json", "libvulkan_lvp.so");
const swiftshader = describeDriver("/icd/vk_swiftshader_icd.json", "./libvk_swiftshader.so");
const nvidia = describeDriver("/icd/nvidia_icd.json", "libGLX_nvidia.so.0");
const radeon = describeDriver("/icd/radeon_icd.x86_64.json", "/usr/lib/x86_64-linux-gnu/libvulkan_radeon.so");

describe("Vulkan drivers", () => {
  it("tells software drivers from hardware ones by their library", () => {
    expect(lavapipe).toMatchObject({ name: "lavapipe", vendor: "Mesa", software: true });
    expect(swiftshader).toMatchObject({ name: "swiftshader", software: true });
    expect(nvidia).toMatchObject({ name: "GLX_nvidia", vendor: "NVIDIA", software: false });
    expect(radeon).toMatchObject({ name: "vulkan_radeon", vendor: "AMD", software: false });
    expect(describeDriver("/x.json", "libvulkan_acme.so")).toMatchObject({
      vendor: "unknown",
      software: false,
    });
  });

  it("reads ICD manifests and ignores files that are not one", () => {
    expect(readManifest(manifest("lvp_icd.json", "libvulkan_lvp.so"))?.name).toBe("lavapipe");
    writeFileSync(join(dir, "broken.json"), "{ not json");
    expect(readManifest(join(dir, "broken.json"))).toBeUndefined();
    expect(readManifest(manifest("layer.json", ""))).toBeUndefined();
    expect(readManifest(join(dir, "absent.json"))).toBeUndefined();
  });

  it("takes the manifests the environment names, else those of the loader's folders", () => {
    expect(manifestPaths({ VK_ICD_FILENAMES: "/a.json:/b.json" })).toEqual(["/a.json", "/b.json"]);
    expect(manifestPaths({ VK_DRIVER_FILES: "/c.json", VK_ICD_FILENAMES: "/a.json" })).toEqual(["/c.json"]);
    const folder = mkdtempSync(join(tmpdir(), "ugatit-icd-folder-"));
    writeFileSync(join(folder, "b_icd.json"), "{}");
    writeFileSync(join(folder, "a_icd.json"), "{}");
    writeFileSync(join(folder, "README"), "");
    expect(manifestPaths({}, [folder, join(folder, "missing")])).toEqual([
      join(folder, "a_icd.json"),
      join(folder, "b_icd.json"),
    ]);
    expect(vulkanDrivers({ VK_ICD_FILENAMES: "/nonexistent" })).toEqual([]);
  });

  it("never chooses a software driver unless allowed, and prefers hardware when a GPU is present", () => {
    const all = [lavapipe, nvidia, swiftshader, radeon];
    // the default choice: hardware only, and only where a GPU device node exists
    expect(chooseDrivers(all, { allowSoftware: false, gpuPresent: true })).toEqual([nvidia, radeon]);
    expect(chooseDrivers(all, { allowSoftware: false, gpuPresent: false })).toEqual([]);
    expect(chooseDrivers([lavapipe, swiftshader], { allowSoftware: false, gpuPresent: true })).toEqual([]);
    // asked by name: hardware first, software where no GPU is
    expect(chooseDrivers(all, { allowSoftware: true, gpuPresent: true })).toEqual([nvidia, radeon]);
    expect(chooseDrivers(all, { allowSoftware: true, gpuPresent: false })).toEqual([lavapipe, swiftshader]);
    expect(chooseDrivers([], { allowSoftware: true, gpuPresent: true })).toEqual([]);
  });
});
