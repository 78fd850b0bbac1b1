/** @module The tenant's webhook signing secret, and Standard Webhooks signatures made with it. */

const PREFIX = "whsec_";
const encoder = new TextEncoder();

function base64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

/** The tenant's secret, created (32 random bytes) the first time anyone asks; concurrent first asks agree. */
export async function tenantWebhookSecret(db: D1Database, tenant: string, now = new Date()): Promise<string> {
  const select = db.prepare("SELECT secret FROM webhook_secrets WHERE tenant = ?").bind(tenant);
  const existing = await select.first<{ secret: string }>();
  if (existing) return existing.secret;
  const secret = `${PREFIX}${base64(crypto.getRandomValues(new Uint8Array(32)))}`;
  await db
    .prepare(
      "INSERT INTO webhook_secrets (tenant, secret, created_at) VALUES (?, ?, ?) ON CONFLICT (tenant) DO NOTHING",
    )
    .bind(tenant, secret, now.toISOString())
    .run();
  return ((await select.first<{ secret: string }>()) as { secret: string }).secret;
}

/**
 * The webhook-signature header: `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body`, keyed with the
 * secret's decoded bytes.
 *
 * @example
 * await webhookSignature("whsec_…", "msg_01J…", 1_767_225_600, body) // "v1,K5oZ…="
 */
export async function webhookSignature(
  secret: string,
  id: string,
  timestamp: number,
  body: string,
): Promise<string> {
  const raw = Uint8Array.from(atob(secret.slice(PREFIX.length)), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(`${id}.${timestamp}.${body}`));
  return `v1,${base64(new Uint8Array(mac))}`;
}
