/** @module Pieces every route's OpenAPI description shares: the problem schema, error responses, security. */
import { z } from "@hono/zod-openapi";
import { PROBLEM_CONTENT_TYPE } from "@ugatit/contracts/protocol";

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "https://ugatit.dev/problems/image-refused" }),
    title: z.string().openapi({ example: "Image refused" }),
    status: z.number().int().openapi({ example: 422 }),
    detail: z.string().optional().openapi({ example: "image is 20000×300: a side over 8192 pixels" }),
    instance: z.string().optional().openapi({ example: "/v1/translations" }),
    request_id: z.string().optional(),
    invalid_params: z.array(z.object({ name: z.string(), reason: z.string() })).optional(),
  })
  .openapi("Problem");

const MEANINGS: Record<number, string> = {
  400: "The request is malformed or a field is invalid",
  401: "No API key, or a malformed, unknown or revoked one",
  403: "The API key lacks the scope this needs",
  404: "No such resource for this tenant",
  409: "The resource is not in a state that allows this",
  413: "The image is over the size limit",
  415: "The body is neither JSON nor an accepted image type",
  422: "Refused as it is (an image, a full model where a light one is needed): see detail",
  429: "Rate limit reached; see Retry-After",
  503: "The inference service is unavailable; see Retry-After",
};

/** Error responses, described once, for a route's `responses`. */
export function problemResponses(...statuses: (keyof typeof MEANINGS)[]) {
  return Object.fromEntries(
    [...statuses, 401, 429].map((status) => [
      status,
      {
        description: MEANINGS[status] ?? "Error",
        content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
      },
    ]),
  );
}

export const API_KEY_SECURITY = [{ apiKey: [] }];
