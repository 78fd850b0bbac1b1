/**
 * @module Which network an anonymous request comes from: what its tenant and its rate limit are keyed on.
 * Only Cloudflare's own `CF-Connecting-IP` is trusted (Cloudflare overwrites any copy a client sends);
 * under `wrangler dev` the header passes through from the client, so the local tier keys on nothing a
 * client sends.
 */

/** How the edge finds an anonymous client's network; see docs/SECURITY.md, "Anonymous tier". */
export type ClientNetworkSource = "cloudflare" | "local";

/** Every anonymous request of a local stack shares this one bucket: it listens on loopback only. */
export const LOCAL_NETWORK = "local";
/** A request without a usable address (Cloudflare always sends one) shares this bucket. */
export const UNKNOWN_NETWORK = "unknown";

/**
 * The client's IPv4 address, or the /64 of its IPv6 address (one subscriber's LAN: an IPv6 client can
 * pick any address in it, so a finer key would let it choose its own bucket).
 *
 * @example
 * clientNetwork(request, "cloudflare"); // "2001:db8:1:2::/64"
 */
export function clientNetwork(request: Request, source: ClientNetworkSource): string {
  if (source === "local") return LOCAL_NETWORK;
  const address = request.headers.get("cf-connecting-ip")?.trim() ?? "";
  return ipv4(address) ?? ipv6Prefix(address) ?? UNKNOWN_NETWORK;
}

function ipv4(address: string): string | undefined {
  const parts = address.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.map(Number).join(".");
}

/** The first four groups of an IPv6 address, canonical; an IPv4-mapped address is its IPv4 address. */
function ipv6Prefix(address: string): string | undefined {
  const lower = address.toLowerCase();
  if (lower.includes(".")) return /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower)?.[1] && ipv4(lower.slice(7));
  const halves = lower.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...Array<string>(missing).fill("0"), ...tail];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(":")}::/64`;
}
