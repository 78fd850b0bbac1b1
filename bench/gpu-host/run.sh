#!/bin/sh
# The GPU benchmark on this host, with what build.sh packed beside this script: ONNX Runtime's WebGPU
# provider on the host's Vulkan driver (libvulkan1 and the GPU driver's Vulkan ICD must be installed),
# float32 and float16, then the official PyTorch generator on CUDA where python3 imports torch with CUDA.
#   SIZE=256 BATCHES=1,8,32 BUDGET_MS=5000 ./run.sh
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
size="${SIZE:-256}"
batches="${BATCHES:-1,8,32}"
budget="${BUDGET_MS:-5000}"

"$here/node" "$here/gpu-bench.mjs" --size "$size" --batches "$batches" --budget-ms "$budget"

python="${PYTHON:-python3}"
if "$python" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  echo
  echo "PyTorch (official generator, eager) on CUDA, ${size}², random weights: one JSON line per row"
  for half in "" --half; do
    for batch in $(echo "$batches" | tr ',' ' '); do
      printf '%s batch %s: ' "${half:-fp32}" "$batch"
      "$python" "$here/torch_generator.py" --model light --size "$size" --batch "$batch" \
        --device cuda --budget-ms "$budget" $half
    done
  done
else
  echo
  echo "PyTorch with CUDA not found ($python): no PyTorch rows."
fi
