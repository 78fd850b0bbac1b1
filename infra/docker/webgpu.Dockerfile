# syntax=docker/dockerfile:1
# The GPU inference worker on WebGPU: `ugatit serve` on onnxruntime-node's WebGPU provider (Dawn), which
# drives the GPU through Vulkan. Nothing CUDA-specific inside: the NVIDIA Container Toolkit mounts the
# driver's Vulkan ICD when the `graphics` capability is asked for (NVIDIA_DRIVER_CAPABILITIES below).
#   build (from the repository root):  docker build -f infra/docker/webgpu.Dockerfile -t ugatit/gpu-worker:webgpu .
#   run (NVIDIA Container Toolkit):    docker run --gpus all -p 8080:8080 --env-file worker.env ugatit/gpu-worker:webgpu

FROM node:22.23.3-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/contracts/package.json shared/contracts/
COPY shared/model/package.json shared/model/
COPY gpu-worker/package.json gpu-worker/
# Install scripts run only for esbuild: onnxruntime-node's would download CUDA libraries this image does
# not use, and the libtensorflow backends are left out. Its npm package already holds the WebGPU build.
RUN npm ci --workspace @ugatit/gpu-worker --include-workspace-root --omit=dev --ignore-scripts --no-audit --no-fund \
  && npm rebuild esbuild \
  && rm -rf node_modules/@tensorflow/tfjs-node node_modules/@tensorflow/tfjs-node-gpu \
  && test -f node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1
COPY shared/ shared/
COPY gpu-worker/ gpu-worker/

FROM node:22.23.3-bookworm-slim AS runtime
# The Vulkan loader, and the GL dispatch libraries NVIDIA's Vulkan driver (libGLX_nvidia) links against.
RUN apt-get update \
  && apt-get install -y --no-install-recommends libvulkan1 libglvnd0 libglx0 libegl1 \
  && rm -rf /var/lib/apt/lists/* \
  && groupadd --gid 10001 ugatit \
  && useradd --uid 10001 --gid ugatit --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin ugatit
# graphics: the driver's Vulkan ICD; compute and utility: CUDA's device nodes and nvidia-smi.
ENV NVIDIA_VISIBLE_DEVICES=all NVIDIA_DRIVER_CAPABILITIES=graphics,compute,utility
# A GPU image: without an adapter the worker refuses to start rather than serve from the CPU.
ENV UGATIT_BACKEND=webgpu
WORKDIR /app
# Root-owned and read-only for the worker's user.
COPY --from=build /app ./
USER 10001:10001
EXPOSE 8080
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "gpu-worker/bin/ugatit.js", "serve"]
