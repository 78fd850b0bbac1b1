/**
 * @module The bucket's lifecycle rules (infra/s3/lifecycle.json), defence in depth behind the edge's sweeper:
 * they must expire every tenant object, but never before the sweeper would (uploads and finished jobs are
 * kept for their configured hours, a job may still run on an upload for its retry budget), and must clear
 * abandoned multipart uploads.
 */
import { z } from "zod";

export const LIFECYCLE_FILE = "infra/s3/lifecycle.json";
/** Every object the service writes is under this prefix (`t/<tenant>/uploads/…`, `t/<tenant>/outputs/…`). */
export const TENANT_PREFIX = "t/";

const Rule = z
  .object({
    ID: z.string().min(1),
    Status: z.enum(["Enabled", "Disabled"]),
    Filter: z.object({ Prefix: z.string() }).strict(),
    Expiration: z.object({ Days: z.number().int().positive() }).strict().optional(),
    AbortIncompleteMultipartUpload: z
      .object({ DaysAfterInitiation: z.number().int().positive() })
      .strict()
      .optional(),
  })
  .strict();
const Lifecycle = z.object({ Rules: z.array(Rule).min(1) }).strict();

/** The edge's retention, in hours, from wrangler.toml's vars. */
export interface Retention {
  uploadHours: number;
  jobHours: number;
  retryBudgetHours: number;
}

/**
 * What is wrong with the lifecycle configuration; empty when nothing is.
 *
 * @example
 * checkLifecycle(JSON.parse(readRepoFile(LIFECYCLE_FILE)), retention) // []
 */
export function checkLifecycle(json: unknown, retention: Retention): string[] {
  const parsed = Lifecycle.safeParse(json);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join(".") || "file"}: ${i.message}`);
  const enabled = parsed.data.Rules.filter((r) => r.Status === "Enabled");
  const problems: string[] = [];
  const expiring = enabled.filter((r) => r.Expiration && TENANT_PREFIX.startsWith(r.Filter.Prefix));
  if (expiring.length === 0) problems.push(`no enabled rule expires the objects under ${TENANT_PREFIX}`);
  // an object lives as long as an upload is kept, or a job runs on it and is then kept
  const longestHours = Math.max(retention.uploadHours, retention.retryBudgetHours + retention.jobHours);
  for (const rule of enabled.filter((r) => r.Expiration)) {
    const days = rule.Expiration?.Days ?? 0;
    if (days * 24 < longestHours + 24)
      problems.push(
        `${rule.ID} expires objects after ${days} days, before the sweeper's ${longestHours} hours and a day`,
      );
  }
  if (!enabled.some((r) => r.AbortIncompleteMultipartUpload && r.Filter.Prefix === ""))
    problems.push("no enabled rule aborts incomplete multipart uploads in the whole bucket");
  if (new Set(parsed.data.Rules.map((r) => r.ID)).size !== parsed.data.Rules.length)
    problems.push("rule IDs repeat");
  return problems;
}
