/** @module The contracts the edge and the worker share: the inference protocol, signing, problem details. */
export * from "./framing.ts";
export * from "./infer.ts";
export * from "./problem.ts";
export * from "./shared-secret.ts";
export * from "./signing.ts";
