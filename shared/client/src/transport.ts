/** @module One request to the API or a presigned URL: the key, network failures and problem details. */
import { ApiNetworkError, ApiProblemError } from "./errors.ts";
import type { Problem } from "./types.ts";

export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

export interface Transport {
  /** A request to the API, `path` under its base URL, with the API key; an error answer throws. */
  api(method: string, path: string, init?: RequestInit): Promise<Response>;
  /** A request to a presigned URL (storage), which carries its own signature: no API key is sent. */
  presigned(method: string, url: string, init?: RequestInit): Promise<Response>;
  /** The API's address for `path`, e.g. to follow a Location header. */
  url(path: string): string;
}

export function createTransport(options: {
  baseUrl: string | URL;
  apiKey?: string;
  fetch?: Fetch;
}): Transport {
  const base = String(options.baseUrl).replace(/\/+$/, "");
  // called unbound, the browsers' and Workers' fetch throws "Illegal invocation"
  const doFetch: Fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const auth: Record<string, string> = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};

  async function send(method: string, url: string, init: RequestInit): Promise<Response> {
    let response: Response;
    try {
      response = await doFetch(url, { ...init, method });
    } catch (error) {
      // an abort is the caller's own doing: passed on as it is
      if (init.signal?.aborted) throw init.signal.reason;
      throw new ApiNetworkError(method, url, error);
    }
    if (response.status >= 400) throw new ApiProblemError(await problemOf(response), response.headers);
    return response;
  }

  const url = (path: string) => (/^https?:/i.test(path) ? path : `${base}${path}`);
  return {
    url,
    api: (method, path, init = {}) =>
      send(method, url(path), { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } }),
    presigned: (method, target, init = {}) => send(method, target, init),
  };
}

/** The problem an error answer carries, or one made from its status when it carries none (RFC 9457 §4.2.1). */
async function problemOf(response: Response): Promise<Problem> {
  const text = await response.text().catch(() => "");
  if (/^application\/(problem\+)?json/i.test(response.headers.get("content-type") ?? "")) {
    try {
      const body: unknown = JSON.parse(text);
      if (isProblem(body)) return body;
    } catch {
      // not JSON after all: described below from the status
    }
  }
  return {
    type: "about:blank",
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    ...(text ? { detail: text.slice(0, 500) } : {}),
  };
}

function isProblem(body: unknown): body is Problem {
  if (typeof body !== "object" || body === null) return false;
  const { type, title, status } = body as Record<string, unknown>;
  return typeof type === "string" && typeof title === "string" && typeof status === "number";
}
