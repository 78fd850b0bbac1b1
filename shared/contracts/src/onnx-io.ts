/** @module The exported generator's input and output names: what every runner of the file (the worker, the browser) asks for. */

/** The graph's input: [batch, 3, H, W] in [-1, 1]. */
export const ONNX_INPUT = "input";
/** The graph's outputs: `image` [batch, 3, H, W], `cam_logit` [batch, 2], `heatmap` [batch, 1, H/4, W/4]. */
export const ONNX_OUTPUTS = ["image", "cam_logit", "heatmap"] as const;
