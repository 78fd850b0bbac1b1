/** @module The Cron Trigger's sweeper: recovery of stuck work, then retention; one log line when it did anything. */
import { log } from "../observability/log.ts";
import { expireRetained, type RetentionReport } from "./expire-retained.ts";
import { type RecoveryReport, recoverStuck } from "./recover-stuck.ts";

export interface SweepReport {
  recovered: RecoveryReport;
  expired: RetentionReport;
}

/**
 * @example
 * export default { scheduled: (controller, env) => sweep(env, controller.scheduledTime) };
 */
export async function sweep(env: Env, now = Date.now()): Promise<SweepReport> {
  const recovered = await recoverStuck(env, now);
  const expired = await expireRetained(env, now);
  const counts = {
    requeued: recovered.requeued.length,
    failed: recovered.failed.length,
    redelivered: recovered.redelivered.length,
    expired_jobs: expired.jobs.length,
    expired_uploads: expired.uploads.length,
    expired_idempotency_keys: expired.idempotencyKeys,
  };
  if (Object.values(counts).some((n) => n > 0)) log("info", "sweeper", { ...counts, ...recovered });
  return { recovered, expired };
}
