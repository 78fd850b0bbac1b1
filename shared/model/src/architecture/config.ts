/** What a generator's tensor shapes determine. */
export interface GeneratorConfig {
  ngf: number;
  nBlocks: number;
  light: boolean;
  /** The fixed input side of a full model (its FC.0 depends on it); null for a light model. */
  imgSize: number | null;
}

export interface DiscriminatorConfig {
  ndf: number;
  /** 7 for the global discriminators, 5 for the local ones. */
  nLayers: number;
}
