/** @module Reading a weight file the way the loaders and `ugatit inspect` do, for tests that feed it bad files. */
import { openWeightFile } from "@ugatit/model/checkpoints";

/** Opens `path` and reads every tensor it lists in a readable type: what a loader does, minus the spec check. */
export async function readEveryTensor(path: string): Promise<void> {
  const file = await openWeightFile(path);
  try {
    for (const [name, info] of file.tensors) if (info.dtype !== "unsupported") await file.read(name);
  } finally {
    await file.close();
  }
}
