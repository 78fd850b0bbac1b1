import { describe, expect, it } from "vitest";
import { checkWorkerDockerfile, contextSources, imageUserId } from "./dockerfile.ts";
import { readRepoFile, WORKER_IMAGES } from "./layout.ts";
import { replaceOnce } from "./testing.ts";

const gpu = WORKER_IMAGES[0];
const committed = readRepoFile(gpu.file);
const runtimeStage = committed.slice(committed.indexOf("FROM nvidia/cuda"));

describe("checkWorkerDockerfile", () => {
  it.each([
    ["a root user", "USER 10001:10001", "USER root", "USER root is not a numeric non-root UID"],
    ["no user", "USER 10001:10001\n", "", "the final stage has no USER"],
    ["a health check on another path", "+'/healthz'", "+'/readyz'", "no HEALTHCHECK on /healthz"],
    [
      "a CUDA 12 runtime",
      "FROM nvidia/cuda:11.2.2-cudnn8-runtime-ubuntu20.04",
      "FROM nvidia/cuda:12.2.2-cudnn8-runtime-ubuntu22.04",
      "the final stage is based on nvidia/cuda:12.2.2-cudnn8-runtime-ubuntu22.04",
    ],
    [
      "another command",
      '"gpu-worker/bin/ugatit.js", "serve"]',
      '"gpu-worker/bin/ugatit.js", "translate"]',
      "ENTRYPOINT",
    ],
    [
      "a shell-form entrypoint, which would keep SIGTERM from Node",
      'ENTRYPOINT ["node", "gpu-worker/bin/ugatit.js", "serve"]',
      "ENTRYPOINT node gpu-worker/bin/ugatit.js serve",
      "the ENTRYPOINT is not the exec form",
    ],
    ["another stop signal", "STOPSIGNAL SIGTERM", "STOPSIGNAL SIGINT", "does not declare STOPSIGNAL SIGTERM"],
    ["another port", "EXPOSE 8080", "EXPOSE 9090", "does not EXPOSE 8080"],
    [
      "an unknown variable set",
      "EXPOSE 8080",
      "EXPOSE 8080\nENV WORKER_PORT=8080",
      "WORKER_PORT is not a variable",
    ],
    ["an unknown variable read", "process.env.PORT", "process.env.HTTP_PORT", "HTTP_PORT is not a variable"],
    [
      "a floating major tag",
      "FROM node:22.23.3-bullseye",
      "FROM node:22-bullseye",
      "node:22-bullseye is not pinned",
    ],
    ["no tag", "FROM node:22.23.3-bullseye", "FROM node", "base image node is not pinned"],
    [
      "the CPU backend in the GPU image",
      "npm rebuild esbuild @tensorflow/tfjs-node-gpu",
      "npm rebuild esbuild @tensorflow/tfjs-node",
      "no build stage runs the install script of @tensorflow/tfjs-node-gpu",
    ],
    ["a misspelt instruction", "STOPSIGNAL SIGTERM", "STOPSIGNL SIGTERM", "Unknown instruction: STOPSIGNL"],
    ["a misspelt flag", "--interval=10s", "--intervall=10s", "Unknown flag: intervall"],
  ])("notices %s", (_, search, replacement, expected) => {
    const problems = checkWorkerDockerfile(replaceOnce(committed, search, replacement), gpu);
    expect(problems).toContainEqual(expect.stringContaining(expected));
  });

  it("notices a single-stage build", () => {
    const problems = checkWorkerDockerfile(runtimeStage, gpu);
    expect(problems).toContainEqual(expect.stringContaining("not a multi-stage build"));
    expect(problems).toContainEqual(expect.stringContaining("no build stage runs npm ci"));
  });

  it("names the file in every problem", () => {
    const problems = checkWorkerDockerfile(runtimeStage, gpu);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((problem) => problem.startsWith(`${gpu.file}: `))).toBe(true);
  });
});

describe("checkWorkerDockerfile on the WebGPU image", () => {
  const webgpu = WORKER_IMAGES.find((image) => image.file.includes("webgpu"))!;
  const text = readRepoFile(webgpu.file);

  it.each([
    [
      "no graphics capability (no Vulkan driver in the container)",
      "NVIDIA_DRIVER_CAPABILITIES=graphics,compute,utility",
      "NVIDIA_DRIVER_CAPABILITIES=compute,utility",
      "sets NVIDIA_DRIVER_CAPABILITIES=compute,utility, not",
    ],
    [
      "no capabilities at all",
      "ENV NVIDIA_VISIBLE_DEVICES=all NVIDIA_DRIVER_CAPABILITIES=graphics,compute,utility",
      "ENV NVIDIA_VISIBLE_DEVICES=all",
      "does not set NVIDIA_DRIVER_CAPABILITIES",
    ],
    [
      "another default backend",
      "ENV UGATIT_BACKEND=webgpu",
      "ENV UGATIT_BACKEND=onnx",
      "UGATIT_BACKEND=onnx",
    ],
    ["no Vulkan loader", "libvulkan1 ", "", "does not apt-get install libvulkan1"],
  ])("notices %s", (_, search, replacement, expected) => {
    const problems = checkWorkerDockerfile(replaceOnce(text, search, replacement), webgpu);
    expect(problems).toContainEqual(expect.stringContaining(expected));
  });

  it("lets the container runtime's variables through only where the image's spec names them", () => {
    expect(checkWorkerDockerfile(text, webgpu)).toEqual([]);
    expect(checkWorkerDockerfile(text, { ...webgpu, env: {} })).toContainEqual(
      expect.stringContaining("NVIDIA_DRIVER_CAPABILITIES is not a variable of ugatit serve"),
    );
  });
});

describe("imageUserId", () => {
  it("reads the final stage's numeric user", () => {
    expect(imageUserId(committed)).toBe(10001);
  });

  it("is undefined for a user given by name", () => {
    expect(imageUserId(replaceOnce(committed, "USER 10001:10001", "USER ugatit"))).toBeUndefined();
  });
});

describe("contextSources", () => {
  it("lists what is copied from the build context, not from other stages", () => {
    expect(contextSources(committed)).toEqual([
      "package.json",
      "package-lock.json",
      "shared/contracts/package.json",
      "shared/model/package.json",
      "gpu-worker/package.json",
      "shared/",
      "gpu-worker/",
    ]);
  });
});

describe("checkWorkerDockerfile on the ONNX Runtime GPU image", () => {
  const onnx = WORKER_IMAGES.find((image) => image.file === "infra/docker/onnx-gpu.Dockerfile")!;
  const text = readRepoFile(onnx.file);

  it("passes as committed", () => {
    expect(checkWorkerDockerfile(text, onnx)).toEqual([]);
  });

  it.each([
    [
      "a CUDA 11 runtime",
      "FROM nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04",
      "FROM nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04",
      "the final stage is based on nvidia/cuda:11.8.0",
    ],
    [
      "an install without the CUDA 12 providers",
      "ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild",
      "ONNXRUNTIME_NODE_INSTALL=skip npm rebuild",
      "does not run with ONNXRUNTIME_NODE_INSTALL=cuda12",
    ],
    [
      "no install script for ONNX Runtime",
      "npm rebuild esbuild onnxruntime-node",
      "npm rebuild esbuild",
      "no build stage runs the install script of onnxruntime-node",
    ],
  ])("notices %s", (_, search, replacement, expected) => {
    const problems = checkWorkerDockerfile(replaceOnce(text, search, replacement), onnx);
    expect(problems).toContainEqual(expect.stringContaining(expected));
  });
});
