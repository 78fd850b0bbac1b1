/**
 * @module What a model's two image domains are, in words (A "colour emoji", B "line-art emoji"): A2B turns
 * an image of A into one of B. Model files carry them in their metadata; `GET /v1/models` lists them.
 */
import { z } from "zod";

export const ModelDomains = z.object({
  A: z.string().trim().min(1).max(60),
  B: z.string().trim().min(1).max(60),
});
export type ModelDomains = z.infer<typeof ModelDomains>;
