/**
 * @module The models the project names, for `ugatit translate --model NAME` and `npm start`: one it ships in
 * the repository, or one the user downloads and points at with an environment variable.
 */
import { access } from "node:fs/promises";
import { fileURLToPath } from "node:url";

/** Where a catalogue model's weights are. */
export type ModelSource =
  | { kind: "shipped"; path: string }
  /** Downloaded by the user: the variable holds its path; `obtain` says where to get it. */
  | { kind: "user"; env: string; obtain: string };

export interface CatalogueModel {
  name: string;
  /** What it translates, A2B and back. */
  description: string;
  source: ModelSource;
  /** The side a light model was trained at and is served at; a full model's size is in its checkpoint. */
  size?: number;
}

/** The demo model was trained on 96² crops: it translates best at that size. */
export const DEMO_MODEL_SIZE = 96;

/** The demo model's weights, shipped in the repository. */
export const DEMO_CHECKPOINT = fileURLToPath(
  new URL("../../../models/demo/emoji-light.safetensors", import.meta.url),
);

export const DEMO_MODEL: CatalogueModel = {
  name: "demo",
  description: "colour emoji → line-art emoji (A2B) and back (B2A); trained by this repository, 0.4 MB",
  source: { kind: "shipped", path: DEMO_CHECKPOINT },
  size: DEMO_MODEL_SIZE,
};

export const CATALOGUE: readonly CatalogueModel[] = [DEMO_MODEL];

export class CatalogueError extends Error {
  override name = "CatalogueError";
}

/** A catalogue model's checkpoint and size; a one-line error says what is missing and how to get it. */
export async function resolveCatalogueModel(
  name: string,
  env: Record<string, string | undefined> = process.env,
  catalogue: readonly CatalogueModel[] = CATALOGUE,
): Promise<{ checkpoint: string; size: number | undefined }> {
  const model = catalogue.find((m) => m.name === name);
  if (!model) {
    throw new CatalogueError(
      `no model named "${name}" (models: ${catalogue.map((m) => m.name).join(", ")}; or give --checkpoint)`,
    );
  }
  const { source } = model;
  if (source.kind === "user") {
    const checkpoint = env[source.env];
    if (!checkpoint)
      throw new CatalogueError(`model "${name}" is not installed: ${source.obtain}, then set ${source.env}`);
    // as given: the checkpoint reader finds a TensorFlow prefix, a folder or a zip, and names what is missing
    return { checkpoint, size: model.size };
  }
  const found = await access(source.path).then(
    () => true,
    () => false,
  );
  if (!found)
    throw new CatalogueError(`model "${name}": ${source.path}, which the repository ships, is missing`);
  return { checkpoint: source.path, size: model.size };
}

/** The catalogue as help lines: `name  description`. */
export function catalogueLines(catalogue: readonly CatalogueModel[] = CATALOGUE): string[] {
  return catalogue.map((m) => `${m.name}: ${m.description}`);
}
