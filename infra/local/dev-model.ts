import { access, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { DIRECTIONS } from "@ugatit/contracts/directions";
import { type GeneratorConfig, generatorParamShapes, initialWeights } from "@ugatit/model/architecture";
import { type SafetensorsTensor, UGATIT_METADATA_KEY, writeSafetensors } from "@ugatit/model/checkpoints";
import { DEMO_MODEL_SIZE } from "../../gpu-worker/src/catalogue/catalogue.ts";

export interface DevModel {
  /** The model's name in the worker and the API. */
  name: string;
  checkpoint: string;
  untrained: boolean;
  /** The side light models are served at (the worker's UGATIT_SIZE); unset: the worker's default. */
  size?: number;
}

/** A small light configuration: quick on a laptop's CPU, and honest about being untrained. */
const UNTRAINED_CONFIG: GeneratorConfig = { ngf: 16, nBlocks: 4, light: true, imgSize: null };

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Writes both generators with PyTorch's default initialisation, marked `untrained` in the metadata. */
export async function writeUntrainedModel(path: string, seed = 1): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tensors = new Map<string, SafetensorsTensor>();
  for (const [i, direction] of DIRECTIONS.entries()) {
    for (const [name, t] of initialWeights(generatorParamShapes(UNTRAINED_CONFIG), seed + i)) {
      tensors.set(`gen${direction}.${name}`, t);
    }
  }
  const { ngf, nBlocks, light, imgSize } = UNTRAINED_CONFIG;
  await writeSafetensors(path, tensors, {
    [UGATIT_METADATA_KEY]: JSON.stringify({
      ngf,
      n_blocks: nBlocks,
      light,
      img_size: imgSize,
      directions: [...DIRECTIONS],
    }),
    untrained: "true",
  });
}

/**
 * The model `npm start` serves: `UGATIT_CHECKPOINT` when set, else the trained demo model when the repo
 * has one, else a generated untrained one (said so in the start output and in `GET /v1/models`).
 */
export async function resolveDevModel(options: {
  checkpoint?: string | undefined;
  demo: string;
  scratch: string;
}): Promise<DevModel> {
  if (options.checkpoint) {
    // A TensorFlow checkpoint may be named by its prefix, which is no file of its own.
    if (!(await exists(options.checkpoint)) && !(await exists(`${options.checkpoint}.index`)))
      throw new Error(`UGATIT_CHECKPOINT ${options.checkpoint} does not exist`);
    return { name: "custom", checkpoint: options.checkpoint, untrained: false };
  }
  if (await exists(options.demo))
    return { name: "demo", checkpoint: options.demo, untrained: false, size: DEMO_MODEL_SIZE };
  const path = `${options.scratch}/untrained-light-ngf16.safetensors`;
  if (!(await exists(path))) await writeUntrainedModel(path);
  return { name: "untrained", checkpoint: path, untrained: true };
}
