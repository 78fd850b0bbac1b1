/**
 * @module TF.js's gradient functions. tfjs-core 4's Node bundle ships none (the union package
 * `@tensorflow/tfjs` bundles them from tfjs-core's ES modules); this bundles the same modules with
 * esbuild, in memory, and loads them, so training needs no extra package.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { registerGlobalPoolGradient, registerMirrorPadGradient } from "@ugatit/model/train";
import { build } from "esbuild";
import { registerWasmTrainingKernels } from "./wasm-conv-gradients.ts";

const require = createRequire(import.meta.url);
let registered: Promise<void> | undefined;

async function loadCoreGradients(): Promise<void> {
  const core = dirname(require.resolve("@tensorflow/tfjs-core/package.json"));
  const result = await build({
    entryPoints: [join(core, "dist", "register_all_gradients.js")],
    bundle: true,
    format: "esm",
    platform: "node",
    minify: true,
    write: false,
    logLevel: "silent",
  });
  const code = result.outputFiles[0]?.text ?? "";
  await import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);
}

/**
 * What training needs from TF.js, once per process: its gradient functions, a correct MirrorPad
 * gradient over its wrong one, a fast global-pool gradient, and WASM convolution gradients.
 */
export function prepareTraining(): Promise<void> {
  registered ??= (async () => {
    if (!tf.getGradient(tf.Sum)) await loadCoreGradients();
    registerMirrorPadGradient();
    registerGlobalPoolGradient();
    // The wasm package registers its kernels when imported; ours must come after to replace one.
    await import("@tensorflow/tfjs-backend-wasm");
    registerWasmTrainingKernels();
  })();
  return registered;
}
