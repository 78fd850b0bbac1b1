/** @module Structured log lines (one JSON object each), as Workers Logs indexes them. */

/**
 * @example
 * log("warn", "job attempt", { job_id: id, outcome: "retry" });
 */
export function log(level: "info" | "warn" | "error", msg: string, fields: Record<string, unknown>): void {
  console[level === "info" ? "log" : level](JSON.stringify({ level, msg, ...fields }));
}
