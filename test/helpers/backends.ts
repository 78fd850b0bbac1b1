import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";

/** The pure-JS backends every machine has; model tests run on each. */
export const TEST_BACKENDS = ["wasm", "cpu"] as const;

export async function useBackend(name: string): Promise<void> {
  tf.env().set("IS_TEST", true);
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} did not initialise`);
  await tf.ready();
}
