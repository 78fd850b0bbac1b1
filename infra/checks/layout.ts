/** @module Where this repository's deployment files are, what each worker image must be, and reading them. */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { WorkerImageSpec } from "./dockerfile.ts";
import { parseYamlDocuments } from "./yaml.ts";

/** The repository root: the Docker build context and the base of every path below. */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export const WORKER_IMAGES = [
  {
    file: "infra/docker/gpu.Dockerfile",
    // libtensorflow 2.9.1, inside tfjs-node-gpu 4.22.0, is built against CUDA 11.2 and cuDNN 8.
    runtimeBase: /^nvidia\/cuda:11\.2\.\d+-cudnn8-runtime-ubuntu\d+\.\d+$/,
    backendPackage: "@tensorflow/tfjs-node-gpu",
  },
  {
    file: "infra/docker/onnx-gpu.Dockerfile",
    // onnxruntime-node 1.30's CUDA provider is built against CUDA 12 and cuDNN 9.
    runtimeBase: /^nvidia\/cuda:12\.\d+\.\d+-cudnn-runtime-ubuntu\d+\.\d+$/,
    backendPackage: "onnxruntime-node",
    rebuildEnv: "ONNXRUNTIME_NODE_INSTALL=cuda12",
    env: { UGATIT_BACKEND: /^onnx$/ },
  },
  {
    file: "infra/docker/cpu.Dockerfile",
    runtimeBase: /^node:22\.\d+\.\d+-bookworm-slim$/,
    backendPackage: "@tensorflow/tfjs-node",
  },
  {
    file: "infra/docker/webgpu.Dockerfile",
    // onnxruntime-node's WebGPU provider over the NVIDIA driver's Vulkan ICD: no CUDA in the image
    runtimeBase: /^node:22\.\d+\.\d+-bookworm-slim$/,
    env: {
      UGATIT_BACKEND: /^webgpu$/,
      // the Container Toolkit mounts the Vulkan driver only for `graphics`
      NVIDIA_DRIVER_CAPABILITIES: /^(?=.*\bgraphics\b)(?=.*\bcompute\b)(?=.*\butility\b)[a-z,]+$/,
      NVIDIA_VISIBLE_DEVICES: /^all$/,
    },
    aptPackages: ["libvulkan1"],
  },
] as const satisfies readonly WorkerImageSpec[];

export const DOCKERIGNORE = ".dockerignore";
export const COMPOSE_FILE = "infra/compose.yaml";
export const K8S_DIR = "infra/k8s";
export const KUSTOMIZATION = `${K8S_DIR}/kustomization.yaml`;
/** Not applied by kustomize: the Secret is created out of band. */
export const SECRET_EXAMPLE = `${K8S_DIR}/secret.example.yaml`;
export const ADAPTER_VALUES = `${K8S_DIR}/prometheus-adapter/values.yaml`;

/** Reads a file given relative to the repository root. */
export function readRepoFile(path: string): string {
  return readFileSync(join(REPO_ROOT, path), "utf8");
}

/** Files under `dir` (relative to the repository root) whose names satisfy `accept`, as repository paths. */
export function listRepoFiles(dir: string, accept: (name: string) => boolean): string[] {
  return readdirSync(join(REPO_ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && accept(entry.name))
    .map((entry) => relative(REPO_ROOT, join(entry.parentPath, entry.name)))
    .sort();
}

/** The documents of a YAML file of the repository; throws with every problem when it does not parse. */
export function readYaml(path: string): unknown[] {
  const { documents, problems } = parseYamlDocuments(readRepoFile(path), path);
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return documents;
}

/** The manifests kustomization.yaml must list: the YAML files beside it, less itself and the examples. */
export function kustomizeManifests(): string[] {
  return readdirSync(join(REPO_ROOT, K8S_DIR))
    .filter((name) => /\.ya?ml$/.test(name) && name !== "kustomization.yaml" && !name.includes(".example."))
    .sort();
}

/** Every object the worker's Kubernetes deployment consists of, the example Secret included. */
export function workerManifestObjects(): unknown[] {
  return [...kustomizeManifests().map((name) => `${K8S_DIR}/${name}`), SECRET_EXAMPLE].flatMap(readYaml);
}
