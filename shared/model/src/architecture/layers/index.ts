export { type CamOutput, type CamWeights, classActivationMap } from "./cam.ts";
export { type ConvOptions, conv } from "./conv.ts";
export { linear } from "./linear.ts";
export { adaILN, instanceNorm, layerInstanceNorm } from "./norms.ts";
export { reflectionPad } from "./reflection-pad.ts";
export { upsampleNearest2x } from "./upsample.ts";
