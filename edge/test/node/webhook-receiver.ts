/**
 * @module A webhook receiver as a customer would run one, for the edge's tests: it verifies each delivery's
 * Standard Webhooks signature (node:crypto, independent of the edge's code) with the secret a test gives it,
 * refuses the first attempt of every webhook-id with 500 and accepts the next, and keeps a log tests read.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { Services } from "./services.ts";

export interface ReceivedWebhook {
  id: string;
  timestamp: string;
  /** The signature verified with the secret, and the timestamp is within 5 minutes. */
  verified: boolean;
  body: string;
  /** What the receiver answered. */
  answered: number;
}

/** Whether the delivery is signed with `secret` (a whsec_ key) and its timestamp within 5 minutes. */
export function verifyWebhook(secret: string, headers: IncomingMessage["headers"], body: string): boolean {
  const id = String(headers["webhook-id"] ?? "");
  const timestamp = String(headers["webhook-timestamp"] ?? "");
  if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest();
  return String(headers["webhook-signature"] ?? "")
    .split(" ")
    .some((candidate) => {
      const [version, signature = ""] = candidate.split(",");
      const given = Buffer.from(signature, "base64");
      return version === "v1" && given.length === expected.length && timingSafeEqual(given, expected);
    });
}

/**
 * `PUT /secrets/{name}` (body: the whsec_ key) arms `/hooks/{name}`; `GET /log/{name}` answers what it got.
 *
 * @example
 * const url = await webhookReceiver(services);
 */
export async function webhookReceiver(services: Services): Promise<string> {
  const secrets = new Map<string, string>();
  const logs = new Map<string, ReceivedWebhook[]>();
  const seen = new Set<string>();
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const [, kind, name = ""] = new URL(req.url ?? "/", "http://x").pathname.split("/");
    if (kind === "secrets" && req.method === "PUT") {
      secrets.set(name, body);
      res.writeHead(204).end();
      return;
    }
    if (kind === "log") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(logs.get(name) ?? []));
      return;
    }
    const secret = secrets.get(name);
    if (kind !== "hooks" || req.method !== "POST" || !secret) {
      res.writeHead(404).end();
      return;
    }
    const id = String(req.headers["webhook-id"] ?? "");
    const verified = verifyWebhook(secret, req.headers, body);
    const answered = !verified ? 401 : seen.has(id) ? 204 : 500;
    seen.add(id);
    const log = logs.get(name) ?? [];
    log.push({ id, timestamp: String(req.headers["webhook-timestamp"]), verified, body, answered });
    logs.set(name, log);
    res.writeHead(answered).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  services.onStop(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}
