/** @module The body of a resize thread: PIL-exact bilinear resizing, answered by transferring the result. */
import { parentPort } from "node:worker_threads";
import { resizeBilinear } from "@ugatit/contracts/image";
import type { ResizeTask } from "./resize-pool.ts";

parentPort?.on("message", (task: ResizeTask) => {
  try {
    const out = resizeBilinear(task.rgb, task.width, task.height, task.outWidth, task.outHeight);
    // resizeBilinear allocates its output: an ArrayBuffer of its own, free to hand over
    parentPort?.postMessage({ id: task.id, rgb: out }, [out.buffer as ArrayBuffer]);
  } catch (error) {
    parentPort?.postMessage({ id: task.id, error: (error as Error).message });
  }
});
