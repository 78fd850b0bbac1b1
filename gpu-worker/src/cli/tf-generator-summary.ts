import { DIRECTIONS } from "@ugatit/contracts/directions";
import { describeGenerator } from "@ugatit/model/architecture";
import {
  CheckpointError,
  hasTfGenerator,
  resolveTfGenerator,
  TF_GENERATOR_SCOPES,
  type WeightFile,
} from "@ugatit/model/checkpoints";
import type { NetworkSummary } from "./network-summary.ts";

/**
 * The generators of a TF checkpoint as `ugatit inspect` shows them, by scope (`generator_B`): the
 * configuration and code version loading them would use; what keeps one from loading, when something does.
 */
export async function tfGeneratorSummaries(
  file: WeightFile,
  parameters: (scope: string) => number,
): Promise<Map<string, NetworkSummary>> {
  const summaries = new Map<string, NetworkSummary>();
  for (const direction of DIRECTIONS) {
    if (!hasTfGenerator(file, direction)) continue;
    const name = TF_GENERATOR_SCOPES[direction];
    const summary = await resolveTfGenerator(file, direction).then(
      ({ config }): NetworkSummary => ({
        name,
        kind: "generator",
        config: { ...config, direction },
        description: `${direction} generator, ${describeGenerator(config)} (version read off the file)`,
        parameters: parameters(name),
      }),
      (error: unknown): NetworkSummary => {
        if (!(error instanceof CheckpointError)) throw error;
        const why = error.message.slice(file.file.length + 2);
        return {
          name,
          kind: "unknown",
          config: null,
          description: `not loadable: ${why}`,
          parameters: parameters(name),
        };
      },
    );
    summaries.set(name, summary);
  }
  return summaries;
}
