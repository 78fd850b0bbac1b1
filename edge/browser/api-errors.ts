/** @module The API's error answers (problem details, or anything else) as one sentence for the page. */

/** Thrown by the page's API calls; its message is fit to show the user as it is. */
export class PageError extends Error {
  override readonly name = "PageError";
}

function stringField(body: unknown, field: string): string | undefined {
  const value =
    typeof body === "object" && body !== null ? (body as Record<string, unknown>)[field] : undefined;
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * "Too Many Requests: 20 a minute (try again in 12 s) [429]": the problem's title and detail, the wait
 * Retry-After asks for, and the status.
 */
export async function readableError(response: Response): Promise<string> {
  const body: unknown = await response.json().catch(() => undefined);
  const what = stringField(body, "title") ?? (response.statusText || "Request failed");
  const detail = stringField(body, "detail");
  const retry = response.headers.get("retry-after");
  return `${what}${detail ? `: ${detail}` : ""}${retry ? ` (try again in ${retry} s)` : ""} [${response.status}]`;
}

/** An error's message for the page. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
