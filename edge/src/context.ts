/** @module The Hono environment every route shares, and the router each resource builds its routes on. */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { RequestIdVariables } from "hono/request-id";
import type { z } from "zod";
import type { Principal } from "./auth/principal.ts";
import { type ApiProblem, problems } from "./problems/api-problem.ts";

export interface AppEnv {
  Bindings: Env;
  Variables: RequestIdVariables & { principal: Principal };
}

/** A 400 naming every invalid field of `target` (json, query, header, param). */
export function validationProblem(error: z.ZodError, target: string): ApiProblem {
  const invalid = error.issues.map((issue) => ({
    name: issue.path.join(".") || target,
    reason: issue.message,
  }));
  return problems.invalidRequest(invalid.map((i) => `${i.name}: ${i.reason}`).join("; "), invalid);
}

/**
 * An OpenAPIHono whose failed validations answer 400 problem details.
 *
 * @example
 * export const modelsRoutes = createRouter().openapi(listModelsRoute, handler);
 */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationProblem(result.error, result.target);
    },
  });
}
