export { classActivationMap, type CamOutput, type CamWeights } from "./cam.ts";
export { conv, type ConvOptions } from "./conv.ts";
export { linear } from "./linear.ts";
export { adaILN, instanceNorm, layerInstanceNorm } from "./norms.ts";
export { reflectionPad } from "./reflection-pad.ts";
export { upsampleNearest2x } from "./upsample.ts";
