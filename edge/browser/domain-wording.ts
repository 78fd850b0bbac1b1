/**
 * @module What a model does, in words: its domains' names when its file names them ("colour emoji →
 * line-art emoji"), else the plain "A → B".
 */
import type { Direction } from "@ugatit/contracts/directions";
import type { ModelDomains } from "@ugatit/contracts/domains";

type Domain = keyof ModelDomains;

/** Which domain a direction starts from and which it ends in. */
const ENDS: Record<Direction, { from: Domain; to: Domain }> = {
  A2B: { from: "A", to: "B" },
  B2A: { from: "B", to: "A" },
};

/** The model as the page describes it: what `GET /v1/models` lists. */
export interface DescribedModel {
  id: string;
  directions: readonly Direction[];
  untrained: boolean;
  domains: ModelDomains | null;
}

/** The direction's name for a menu: "colour emoji → line-art emoji", or "A → B". */
export function directionLabel(direction: Direction, domains: ModelDomains | null): string {
  const { from, to } = ENDS[direction];
  return domains ? `${domains[from]} → ${domains[to]}` : `${from} → ${to}`;
}

/** The direction that starts from `domain`. */
export function directionFrom(domain: Domain): Direction {
  return (Object.keys(ENDS) as Direction[]).find((d) => ENDS[d].from === domain) as Direction;
}

/**
 * One sentence for a newcomer: "demo@1 turns colour emoji into line-art emoji, and line-art emoji into
 * colour emoji."
 */
export function modelSummary(model: DescribedModel): string {
  const turns = model.directions.map((direction) => {
    const { from, to } = ENDS[direction];
    return model.domains
      ? `${model.domains[from]} into ${model.domains[to]}`
      : `images of its domain ${from} into its domain ${to}`;
  });
  const what = `${model.id} turns ${turns.join(", and ")}.`;
  const unnamed = model.domains ? "" : " Its file does not say what A and B are.";
  const untrained = model.untrained ? " It is untrained: its translations are noise." : "";
  return `${what}${unnamed}${untrained}`;
}
