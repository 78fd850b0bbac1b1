# syntax=docker/dockerfile:1
# The GPU inference worker on ONNX Runtime: `ugatit serve` on onnxruntime-node's CUDA 12 execution
# provider (cuDNN 9; Hopper H100/H200 and older), TensorRT first where its libraries (libnvinfer 10)
# are added to the image, the CPU provider for what neither takes. Needs an NVIDIA driver >= 525.
# The tfjs-node-gpu image (gpu.Dockerfile, CUDA 11.2) stays the design's TF.js alternative.
#   build (from the repository root):  docker build -f infra/docker/onnx-gpu.Dockerfile -t ugatit/gpu-worker:onnx-gpu .
#   run (NVIDIA Container Toolkit):    docker run --gpus all -p 8080:8080 --env-file worker.env ugatit/gpu-worker:onnx-gpu

# Bookworm's glibc 2.36 is older than the Ubuntu 24.04 runtime's 2.39: what is built here loads there.
FROM node:22.23.3-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/contracts/package.json shared/contracts/
COPY shared/model/package.json shared/model/
COPY gpu-worker/package.json gpu-worker/
# Install scripts run only for esbuild and onnxruntime-node, told to fetch its CUDA 12 and TensorRT
# provider libraries; the TF.js native backends are not wanted here. A failed download fails the build
# instead of leaving a GPU image that runs on the CPU.
RUN npm ci --workspace @ugatit/gpu-worker --include-workspace-root --omit=dev --ignore-scripts --no-audit --no-fund \
  && ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild esbuild onnxruntime-node \
  && rm -rf node_modules/@tensorflow/tfjs-node node_modules/@tensorflow/tfjs-node-gpu \
  && test -f node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so
COPY shared/ shared/
COPY gpu-worker/ gpu-worker/

FROM nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04 AS runtime
COPY --from=build /usr/local/bin/node /usr/local/bin/node
RUN groupadd --gid 10001 ugatit \
  && useradd --uid 10001 --gid ugatit --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin ugatit
WORKDIR /app
# Root-owned and read-only for the worker's user.
COPY --from=build /app ./
ENV UGATIT_BACKEND=onnx
USER 10001:10001
EXPOSE 8080
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "gpu-worker/bin/ugatit.js", "serve"]
