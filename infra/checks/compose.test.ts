import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { checkComposeFile, composeDurationMs, lintComposeFile, withComposeDefaults } from "./compose.ts";
import { COMPOSE_FILE, readRepoFile } from "./layout.ts";
import { replaceOnce } from "./testing.ts";
import { parseYamlDocuments } from "./yaml.ts";

const committed = readRepoFile(COMPOSE_FILE);

function checkBroken(search: string, replacement: string): string[] {
  const { documents, problems } = parseYamlDocuments(
    replaceOnce(committed, search, replacement),
    COMPOSE_FILE,
  );
  expect(problems).toEqual([]);
  return checkComposeFile(documents[0]);
}

describe("checkComposeFile", () => {
  it.each([
    [
      "a misspelt key",
      "start_period: 120s",
      "start_perod: 120s",
      "schema: /services/worker/healthcheck must NOT have additional properties",
    ],
    [
      "a value of the wrong type",
      "stop_grace_period: 40s",
      "stop_grace_period: [40s]",
      "schema: /services/worker/stop_grace_period must be string",
    ],
    [
      "an unknown dependency condition",
      "condition: service_completed_successfully",
      "condition: service_done",
      "schema:",
    ],
  ])("reports the schema violation of %s", (_, search, replacement, expected) => {
    expect(checkBroken(search, replacement)).toContainEqual(expect.stringContaining(expected));
  });

  it.each([
    ["an unknown variable", "LOG_LEVEL: ", "LOGLEVEL: ", "the worker sets LOGLEVEL, which is not a variable"],
    [
      "a missing secret",
      "      WORKER_SHARED_SECRET: ",
      "      X_SECRET: ",
      "does not set WORKER_SHARED_SECRET",
    ],
    [
      "a grace period shorter than the drain",
      "stop_grace_period: 40s",
      "stop_grace_period: 20s",
      "stop_grace_period 20s does not exceed DRAIN_TIMEOUT_MS 30000",
    ],
    [
      "a drain longer than the grace period",
      'DRAIN_TIMEOUT_MS: "30000"',
      'DRAIN_TIMEOUT_MS: "60000"',
      "does not exceed DRAIN_TIMEOUT_MS 60000",
    ],
    [
      "not waiting for the bucket",
      "condition: service_completed_successfully",
      "condition: service_started",
      "worker should wait for minio-init with condition service_completed_successfully",
    ],
    [
      "a health check that ignores readiness",
      "127.0.0.1:8080/readyz",
      "127.0.0.1:8080/healthz",
      "does not ask 8080/readyz",
    ],
    [
      "an endpoint outside the stack",
      "S3_ENDPOINT: http://minio:9000",
      "S3_ENDPOINT: http://localhost:9000",
      "S3_ENDPOINT names localhost",
    ],
    [
      "a model file on no volume",
      "target: /models",
      "target: /checkpoints",
      "model file /models/selfie2anime.safetensors is not on a volume",
    ],
    [
      "a malformed model list",
      "selfie2anime@1=/models",
      "selfie2anime=/models",
      'UGATIT_MODELS entry "selfie2anime=/models/selfie2anime.safetensors" is not name@version=source',
    ],
    [
      "a port that is not published",
      '"127.0.0.1:8080:8080"',
      '"127.0.0.1:8080:9090"',
      "does not publish its PORT 8080",
    ],
    [
      "a long-running service without a health check",
      'test: ["CMD", "mc", "ready", "local"]',
      "disable: true",
      "minio runs for good but has no healthcheck",
    ],
    [
      "another Dockerfile",
      "dockerfile: infra/docker/cpu.Dockerfile",
      "dockerfile: Dockerfile",
      "no service is built from infra/docker/cpu.Dockerfile",
    ],
    ["another build context", "context: ..", "context: .", "build context . is not the repository root"],
  ])("notices %s", (_, search, replacement, expected) => {
    expect(checkBroken(search, replacement)).toContainEqual(expect.stringContaining(expected));
  });
});

describe("lintComposeFile", () => {
  function lintBroken(search: string, replacement: string): string[] {
    const dir = mkdtempSync(join(tmpdir(), "ugatit-compose-"));
    onTestFinished(() => rmSync(dir, { recursive: true }));
    const path = join(dir, "compose.yaml");
    writeFileSync(path, replaceOnce(committed, search, replacement));
    return lintComposeFile(path);
  }

  it("notices an image without a version tag", () => {
    const problems = lintBroken("quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z", "quay.io/minio/minio");
    expect(problems).toContainEqual(expect.stringContaining("service-image-require-explicit-tag"));
  });

  it("notices a port published on every interface", () => {
    const problems = lintBroken('"127.0.0.1:8080:8080"', '"8080:8080"');
    expect(problems).toContainEqual(expect.stringContaining("no-unbound-port-interfaces"));
  });
});

describe("composeDurationMs", () => {
  it.each([
    ["40s", 40_000],
    ["1m30s", 90_000],
    ["500ms", 500],
    ["1h", 3_600_000],
  ])("reads %s", (duration, ms) => {
    expect(composeDurationMs(duration)).toBe(ms);
  });

  it.each(["40", "forty seconds", "40s later"])("is NaN for %s", (duration) => {
    expect(composeDurationMs(duration)).toBeNaN();
  });
});

describe("withComposeDefaults", () => {
  it("substitutes defaults and unescapes $$, leaving required variables as written", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Compose's interpolation syntax, not a template
    expect(withComposeDefaults("${A:-x}/${B-y}/$$C/${D:?set D}")).toBe("x/y/$C/${D:?set D}");
  });
});
