/** @module Bearer API keys (and the optional anonymous tier) → the request's {@link Principal}. */
import { timingSafeEqual } from "@ugatit/contracts/protocol";
import type { MiddlewareHandler } from "hono";
import { edgeConfig } from "../config/edge-config.ts";
import type { AppEnv } from "../context.ts";
import { ALL_SCOPES, apiKeyId, hashApiKey, Scope } from "../keys/api-key.ts";
import { findApiKey } from "../keys/key-store.ts";
import { problems } from "../problems/api-problem.ts";
import { sha256Hex } from "../security/digest.ts";
import { clientNetwork } from "./client-network.ts";
import type { Principal } from "./principal.ts";

/** Compared with when no row matches, so an unknown key costs the same as a wrong one. */
const NO_HASH = "0".repeat(64);

/**
 * Sets `principal` from `Authorization: Bearer <key>`; without the header, the anonymous tier when it is on.
 *
 * @example
 * app.use("/v1/*", authenticate());
 */
export function authenticate(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const network = clientNetwork(c.req.raw, edgeConfig(c.env).anonymous.networkSource);
    c.set("principal", await principalFor(c.env, c.req.header("authorization"), network));
    await next();
  };
}

/** Refuses with 403 unless the principal holds `scope`. */
export function requireScope(scope: Scope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!c.get("principal").scopes.includes(scope)) {
      throw problems.forbidden(`this API key lacks the ${scope} scope`);
    }
    await next();
  };
}

export async function principalFor(
  env: Env,
  authorization: string | undefined,
  network: string,
): Promise<Principal> {
  const config = edgeConfig(env);
  if (authorization === undefined) {
    if (!config.anonymous.enabled)
      throw problems.unauthorized("send an API key: Authorization: Bearer <key>");
    return {
      // One tenant per client network: anonymous users see only what came from theirs.
      tenant: `anon-${(await sha256Hex(network)).slice(0, 16)}`,
      keyId: null,
      scopes: ALL_SCOPES,
      anonymous: true,
      maxUploadBytes: config.anonymous.maxUploadBytes,
      clientNetwork: network,
    };
  }
  const bearer = /^Bearer +(\S+)\s*$/i.exec(authorization)?.[1];
  if (!bearer) throw problems.unauthorized("the Authorization header must be Bearer <key>");
  const id = apiKeyId(bearer);
  if (!id) throw problems.unauthorized("the API key is malformed");
  const [record, hash] = await Promise.all([findApiKey(env.DB, id), hashApiKey(bearer)]);
  const matches = timingSafeEqual(record?.key_hash ?? NO_HASH, hash);
  if (!record || !matches) throw problems.unauthorized("the API key is not known");
  if (record.revoked_at !== null)
    throw problems.unauthorized(`the API key was revoked at ${record.revoked_at}`);
  return {
    tenant: record.tenant,
    keyId: record.id,
    scopes: record.scopes.split(" ").flatMap((s) => Scope.safeParse(s).data ?? []),
    anonymous: false,
    maxUploadBytes: config.maxUploadBytes,
    clientNetwork: network,
  };
}
