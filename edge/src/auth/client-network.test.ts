import { describe, expect, it } from "vitest";
import { clientNetwork } from "./client-network.ts";

const from = (address?: string) =>
  new Request(
    "https://edge.test/",
    address === undefined ? {} : { headers: { "cf-connecting-ip": address } },
  );

describe("clientNetwork", () => {
  it("is the IPv4 address, or the canonical /64 of an IPv6 one", () => {
    expect(clientNetwork(from("192.0.2.7"), "cloudflare")).toBe("192.0.2.7");
    expect(clientNetwork(from("2001:db8:a:b:1:2:3:4"), "cloudflare")).toBe("2001:db8:a:b::/64");
    expect(clientNetwork(from("2001:0DB8:000a:b::9"), "cloudflare")).toBe("2001:db8:a:b::/64");
    expect(clientNetwork(from("2001:db8::1"), "cloudflare")).toBe("2001:db8:0:0::/64");
    expect(clientNetwork(from("::1"), "cloudflare")).toBe("0:0:0:0::/64");
    expect(clientNetwork(from("::ffff:198.51.100.3"), "cloudflare")).toBe("198.51.100.3");
  });

  it("puts anything that is not an address in one bucket", () => {
    for (const bad of [
      "",
      "unknown",
      "1.2.3",
      "256.1.1.1",
      "1:2:3:4:5:6:7:8:9",
      "1::2::3",
      "g::1",
      "::ffff:1.2.3",
    ])
      expect(clientNetwork(from(bad), "cloudflare"), bad).toBe("unknown");
    expect(clientNetwork(from(), "cloudflare")).toBe("unknown");
  });

  it("under wrangler dev, ignores the header a client can set", () => {
    expect(clientNetwork(from("192.0.2.7"), "local")).toBe("local");
    expect(clientNetwork(from(), "local")).toBe("local");
  });
});
