import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { weakSecretReason } from "./shared-secret.ts";

describe("weakSecretReason", () => {
  it("accepts generated secrets: hex and base64, 16 and 32 random bytes", () => {
    for (let i = 0; i < 2000; i++) {
      for (const secret of [
        randomBytes(16).toString("hex"),
        randomBytes(32).toString("hex"),
        randomBytes(32).toString("base64"),
        randomBytes(24).toString("base64url"),
      ]) {
        expect(weakSecretReason(secret), secret).toBeUndefined();
      }
    }
  });

  it("refuses the placeholders the repository ships, and the old dev and test secrets", () => {
    for (const placeholder of [
      "replace-me-with-openssl-rand-hex-32", // infra/k8s/secret.example.yaml
      "local-dev-worker-secret-0123456789abcdef", // .dev.vars.example, the old npm start
      "worker-test-secret-0123456789abcdef",
      "bench-secret-bench-secret-bench-secret",
      "my-example-value-that-is-long-enough-x",
    ]) {
      expect(weakSecretReason(placeholder), placeholder).toMatch(/^is a placeholder \(it contains "/);
    }
  });

  it("refuses short and repetitive secrets", () => {
    expect(weakSecretReason(randomBytes(15).toString("hex"))).toBe("must be at least 32 characters");
    for (const weak of [
      "s".repeat(32),
      "ab".repeat(20),
      "Zq9!x7Lp".repeat(5),
      "aaaabbbbccccddddaaaabbbbccccdddd1",
    ]) {
      expect(weakSecretReason(weak), weak).toMatch(/^is not random enough/);
    }
  });
});
