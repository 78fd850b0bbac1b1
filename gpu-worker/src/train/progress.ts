import type { IterationLosses } from "@ugatit/model/train";

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  const [h, m] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60)];
  return h > 0 ? `${h}h${String(m).padStart(2, "0")}m` : `${m}m${String(s % 60).padStart(2, "0")}s`;
}

/**
 * One progress line: iteration, rate, ETA and the losses (adversarial, cycle, identity, CAM per domain).
 *
 * @example progressLine(120, 4000, 0.66, losses) // "[  120/4000] 0.66 it/s ETA 1h38m d 1.23 g 12.3 …"
 */
export function progressLine(step: number, total: number, rate: number, l: IterationLosses): string {
  const width = String(total).length;
  const pair = (a: number, b: number) => `${a.toFixed(3)}/${b.toFixed(3)}`;
  return [
    `[${String(step).padStart(width)}/${total}]`,
    `${rate.toFixed(2)} it/s`,
    `ETA ${duration((total - step) / rate)}`,
    `d ${l.D_loss.toFixed(4)}`,
    `g ${l.G_loss.toFixed(3)}`,
    `(adv ${pair(l.G_adv_A, l.G_adv_B)}`,
    `cycle ${pair(l.G_cycle_A, l.G_cycle_B)}`,
    `identity ${pair(l.G_identity_A, l.G_identity_B)}`,
    `cam ${pair(l.G_cam_A, l.G_cam_B)})`,
  ].join(" ");
}
