/** @module What `ugatit inspect` says of one network in a checkpoint. */

export interface NetworkSummary {
  name: string;
  kind: "generator" | "discriminator" | "unknown";
  config: Record<string, unknown> | null;
  description: string;
  parameters: number;
}
