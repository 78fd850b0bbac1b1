/**
 * @module Where a webhook may go: https to a public address; under `npm start` (WEBHOOK_ALLOW_LOCAL) also
 * http and https to loopback. Checked on the URL as written: a name is not resolved here (see
 * docs/OPERATIONS.md on what that leaves open).
 */

/** Names that only ever mean a machine on the sender's own network. */
const LOCAL_NAME = /(^|\.)(localhost|local|internal|intranet|lan|home\.arpa)$/;

/** IPv4 ranges that are not public unicast: [first octets as a number, prefix length]. */
const NON_PUBLIC_V4: [string, number][] = [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 3], // multicast, reserved and broadcast
];

function v4Number(address: string): number | undefined {
  const parts = address.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function isPublicV4(address: number): boolean {
  return NON_PUBLIC_V4.every(([base, bits]) => {
    const size = 2 ** (32 - bits);
    const start = v4Number(base) as number;
    return address < start || address >= start + size;
  });
}

/** The eight 16-bit groups of an IPv6 address (URL.hostname has already normalised it). */
function v6Groups(address: string): number[] | undefined {
  const [head = "", tail] = address.split("::");
  const parse = (s: string) => (s ? s.split(":").map((g) => Number.parseInt(g, 16)) : []);
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  if (address.includes(".")) return undefined; // URL writes embedded IPv4 in hex: this is not one of its
  const groups =
    tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill(0), ...right];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff)
    ? groups
    : undefined;
}

/** Global unicast (2000::/3) less documentation, Teredo and 6to4, which can hide any IPv4 address. */
function isPublicV6(groups: number[]): boolean {
  const [first = 0, second = 0] = groups;
  if (first < 0x2000 || first > 0x3fff) return false;
  if (first === 0x2001 && (second === 0x0db8 || second === 0)) return false;
  return first !== 0x2002;
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/**
 * Why `url` may not receive webhooks, or null when it may.
 *
 * @example
 * webhookUrlRefusal("https://10.0.0.8/hook", { allowLocal: false }) // "10.0.0.8 is not a public address"
 */
export function webhookUrlRefusal(url: string, options: { allowLocal: boolean }): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "the webhook is not a URL";
  }
  const host = parsed.hostname.toLowerCase();
  if (parsed.username || parsed.password) return "the webhook URL may not hold credentials";
  if (options.allowLocal && isLoopback(host) && ["http:", "https:"].includes(parsed.protocol)) return null;
  if (parsed.protocol !== "https:") return "the webhook must be an https URL";
  if (host.startsWith("[")) {
    const groups = v6Groups(host.slice(1, -1));
    return groups && isPublicV6(groups) ? null : `${host} is not a public address`;
  }
  const v4 = v4Number(host);
  if (v4 !== undefined) return isPublicV4(v4) ? null : `${host} is not a public address`;
  if (!host.includes(".") || LOCAL_NAME.test(host)) return `${host} is not a public name`;
  return null;
}
