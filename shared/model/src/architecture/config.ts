import type { ImageProcessing } from "@ugatit/contracts/image";

/**
 * The versions of the official TensorFlow code (taki0112/UGATIT) whose checkpoints differ in the forward:
 * `head`, and `legacy`, before the "fix smoothing" and "fix fc" commits of August 2019 (its CAM logit
 * from a separate dense layer, AdaLIN's rho used as stored).
 */
export const TF_VERSIONS = ["head", "legacy"] as const;
export type TfVersion = (typeof TF_VERSIONS)[number];

/** What a generator's tensor shapes (and, for TF weights, the code version) determine. */
export interface GeneratorConfig {
  ngf: number;
  nBlocks: number;
  light: boolean;
  /** The fixed input side of a full model (its FC.0 depends on it); null for a light model. */
  imgSize: number | null;
  /** Weights of the official TensorFlow code, at this version; absent for the PyTorch code's. */
  tfVersion?: TfVersion;
}

/** The test path of the code the weights come from: a TF model takes TF's pixels (cv2 resize, truncation). */
export function imageProcessingFor(config: GeneratorConfig): ImageProcessing {
  return config.tfVersion === undefined ? "pytorch" : "tensorflow";
}

export interface DiscriminatorConfig {
  ndf: number;
  /** 7 for the global discriminators, 5 for the local ones. */
  nLayers: number;
}
