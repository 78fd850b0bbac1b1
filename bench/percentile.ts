/** The `p`th percentile (nearest rank) of ascending `sorted`; NaN when there is nothing to rank. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
