/**
 * The keys command against a local D1 database, as `npm start` uses it: the key it creates opens the edge
 * running under wrangler's local mode on the same state, and stops opening it once revoked.
 */

import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalEdge, startLocalEdge } from "./local-edge.ts";
import { applyMigrations, REPO_ROOT } from "./wrangler-d1.ts";

const run = promisify(execFile);
let dir: string;
let edge: LocalEdge;

async function keys(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ["--import", "tsx", "edge/scripts/keys-cli.ts", ...args, "--persist-to", dir],
      { cwd: REPO_ROOT },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ugatit-keys-"));
  await applyMigrations({ persistTo: dir });
  edge = await startLocalEdge({
    persistTo: dir,
    vars: {
      WORKER_URL: "http://127.0.0.1:9",
      WORKER_SHARED_SECRET: randomBytes(32).toString("hex"),
      S3_ENDPOINT: "http://127.0.0.1:9",
      S3_BUCKET: "keys-test",
      S3_FORCE_PATH_STYLE: "true",
      S3_ACCESS_KEY_ID: "id",
      S3_SECRET_ACCESS_KEY: "secret",
    },
  });
});

afterAll(async () => {
  await edge?.stop();
  await rm(dir, { recursive: true, force: true });
});

const askEdge = (key: string) =>
  fetch(`${edge.url}/v1/translations/01JD0000000000000000000000`, {
    headers: { authorization: `Bearer ${key}` },
  });

describe("npm run keys", () => {
  it("creates a key the local edge accepts, lists it without its secret, and revokes it", async () => {
    const created = await keys("create", "--tenant", "acme", "--scopes", "read", "--json");
    expect(created.code, created.stderr).toBe(0);
    const { key, id, tenant, scopes } = JSON.parse(created.stdout) as Record<string, unknown>;
    expect([tenant, scopes]).toEqual(["acme", ["read"]]);
    expect(key).toMatch(new RegExp(`^ugk_${id}_[0-9a-f]{64}$`));
    expect((await askEdge(key as string)).status).toBe(404); // authenticated; no such job

    const listed = await keys("list", "--json");
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ id, tenant: "acme", scopes: "read", revoked_at: null }),
    ]);
    expect(listed.stdout).not.toContain((key as string).slice(-64));

    expect((await keys("revoke", key as string)).stdout).toContain(`revoked ${key}`);
    const refused = await askEdge(key as string);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/revoked/);
    expect((await keys("list")).stdout).toMatch(new RegExp(`${id}  acme  read  created .*  revoked `));
  });

  it("prints the plain key alone on stdout", async () => {
    const created = await keys("create", "--tenant", "plain");
    expect(created.stdout.trim()).toMatch(/^ugk_[0-9a-f]{16}_[0-9a-f]{64}$/);
    expect(created.stderr).toMatch(/for tenant plain \(read write\); shown once/);
  });

  it("exits 2 with one line and the usage for a wrong command line", async () => {
    for (const args of [
      ["create", "--tenant", "Not A Tenant"],
      ["create", "--tenant", "x", "--scopes", "admin"],
      ["revoke"],
      ["frobnicate"],
      ["list", "--remote", "--local"],
    ]) {
      const r = await keys(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.split("\n")[0]).toMatch(/^keys: /);
    }
    const unknown = await keys("revoke", "0123456789abcdef");
    expect([unknown.code, unknown.stderr.trim()]).toEqual([1, "keys: no key 0123456789abcdef"]);
  });
});
