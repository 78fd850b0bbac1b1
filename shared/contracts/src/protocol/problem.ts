import { z } from "zod";

/** RFC 9457 problem details, the error body of both services. */
export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
  })
  .catchall(z.unknown());
export type Problem = z.infer<typeof Problem>;

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** A problem with a stable `type` URI under the project's namespace, e.g. `problem("queue-full", 503, …)`. */
export function problem(
  slug: string,
  status: number,
  title: string,
  detail?: string,
  extra?: Record<string, unknown>,
): Problem {
  return {
    type: `https://ugatit.dev/problems/${slug}`,
    title,
    status,
    ...(detail === undefined ? {} : { detail }),
    ...extra,
  };
}

/** An error answered as `application/problem+json` by either service; `headers` go on the response (Retry-After, Allow, …). */
export class ProblemError extends Error {
  override name = "ProblemError";
  constructor(
    readonly problem: Problem,
    readonly headers: Record<string, string> = {},
    /** `cause`: what went wrong inside, for the logs only; the problem is what the client sees. */
    options?: ErrorOptions,
  ) {
    super(problem.detail ?? problem.title, options);
  }

  get status(): number {
    return this.problem.status;
  }
}
