/** @module The two translation directions of a U-GAT-IT model: A→B (genA2B) and B→A (genB2A). */

/** Every direction, in the order the official code trains and exports them. */
export const DIRECTIONS = ["A2B", "B2A"] as const;

export type Direction = (typeof DIRECTIONS)[number];

/** Whether a string names a direction. */
export function isDirection(value: string): value is Direction {
  return (DIRECTIONS as readonly string[]).includes(value);
}
