import { describe, expect, it } from "vitest";
import { webhookUrlRefusal } from "./webhook-url.ts";

const production = { allowLocal: false };
const local = { allowLocal: true };

describe("where webhooks may go", () => {
  it.each([
    "https://example.com/hooks/ugatit",
    "https://hooks.example.co.uk:8443/x?y=1",
    "https://93.184.215.14/hook",
    "https://[2606:4700::1111]/hook",
  ])("in production: %s", (url) => {
    expect(webhookUrlRefusal(url, production)).toBeNull();
  });

  it.each([
    ["http://example.com/hook", "the webhook must be an https URL"],
    ["https://user:pw@example.com/hook", "the webhook URL may not hold credentials"],
    ["https://localhost/hook", "localhost is not a public name"],
    ["https://api.localhost/hook", "api.localhost is not a public name"],
    ["https://printer.local/hook", "printer.local is not a public name"],
    ["https://metadata.google.internal/x", "metadata.google.internal is not a public name"],
    ["https://intranet/hook", "intranet is not a public name"],
    ["https://127.0.0.1/hook", "127.0.0.1 is not a public address"],
    ["https://0x7f.1/hook", "127.0.0.1 is not a public address"],
    ["https://10.0.0.8/hook", "10.0.0.8 is not a public address"],
    ["https://172.16.5.4/hook", "172.16.5.4 is not a public address"],
    ["https://172.31.255.255/hook", "172.31.255.255 is not a public address"],
    ["https://192.168.0.1/hook", "192.168.0.1 is not a public address"],
    ["https://169.254.169.254/latest", "169.254.169.254 is not a public address"],
    ["https://100.64.0.1/hook", "100.64.0.1 is not a public address"],
    ["https://0.0.0.0/hook", "0.0.0.0 is not a public address"],
    ["https://224.0.0.1/hook", "224.0.0.1 is not a public address"],
    ["https://255.255.255.255/hook", "255.255.255.255 is not a public address"],
    ["https://[::1]/hook", "[::1] is not a public address"],
    ["https://[::]/hook", "[::] is not a public address"],
    ["https://[::ffff:127.0.0.1]/hook", "[::ffff:7f00:1] is not a public address"],
    ["https://[fe80::1]/hook", "[fe80::1] is not a public address"],
    ["https://[fd12:3456::1]/hook", "[fd12:3456::1] is not a public address"],
    ["https://[2001:db8::1]/hook", "[2001:db8::1] is not a public address"],
    ["https://[2002:a00:1::1]/hook", "[2002:a00:1::1] is not a public address"],
    ["https://[ff02::1]/hook", "[ff02::1] is not a public address"],
    ["not a url", "the webhook is not a URL"],
  ])("not in production: %s", (url, reason) => {
    expect(webhookUrlRefusal(url, production)).toBe(reason);
  });

  it("lets loopback through under npm start, and nothing else private", () => {
    for (const url of ["http://127.0.0.1:8788/hook", "http://localhost:3000/x", "http://[::1]:9/x"])
      expect(webhookUrlRefusal(url, local)).toBeNull();
    expect(webhookUrlRefusal("http://10.0.0.8/hook", local)).toBe("the webhook must be an https URL");
    expect(webhookUrlRefusal("https://192.168.1.1/hook", local)).toBe("192.168.1.1 is not a public address");
  });
});
