/** @module Response bodies of /v1/models, shared by the route, the OpenAPI document and the demo page. */
import { z } from "@hono/zod-openapi";
import { ModelDomains } from "@ugatit/contracts/domains";
import { Direction, Framing } from "@ugatit/contracts/protocol";

export const PublicModel = z
  .object({
    id: z.string().openapi({ example: "selfie2anime@1" }),
    name: z.string().openapi({ example: "selfie2anime" }),
    version: z.string().openapi({ example: "1" }),
    directions: z.array(Direction),
    size: z.number().int().openapi({ description: "Side of the square images the model works on" }),
    light: z.boolean().openapi({
      description: "A light model (attention from pooled features): small enough to run in a browser",
    }),
    default: z.boolean().openapi({ description: "Used when a translation names no model" }),
    untrained: z.boolean().openapi({
      description: "Randomly initialised weights (a development stand-in): its translations are noise",
    }),
    domains: ModelDomains.nullable().openapi({
      description:
        "What the two domains are, in words, as the model file names them: A2B turns an image of A into one of B. null when the model names none",
      example: { A: "colour emoji", B: "line-art emoji" },
    }),
    framing: Framing.meta({ description: "The framing a translation gets when it names none" }),
  })
  .openapi("Model");

export const ModelList = z
  .object({ models: z.array(PublicModel), default_model: z.string() })
  .openapi("ModelList");
export type ModelList = z.infer<typeof ModelList>;
