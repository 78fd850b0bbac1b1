import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { REPO_ROOT, readRepoFile } from "./layout.ts";
import { checkLifecycle, LIFECYCLE_FILE, type Retention } from "./s3-lifecycle.ts";
import { replaceOnce } from "./testing.ts";

const committed = readRepoFile(LIFECYCLE_FILE);
const { vars } = unstable_readConfig({ config: join(REPO_ROOT, "wrangler.toml") });
const retention: Retention = {
  uploadHours: Number(vars.UPLOAD_RETENTION_HOURS),
  jobHours: Number(vars.JOB_RETENTION_HOURS),
  retryBudgetHours: Number(vars.RETRY_BUDGET_SECONDS) / 3600,
};

const broken = (search: string, replacement: string) =>
  checkLifecycle(JSON.parse(replaceOnce(committed, search, replacement)), retention);

describe(LIFECYCLE_FILE, () => {
  it("expires every tenant object after the sweeper's retention, and clears abandoned multipart uploads", () => {
    expect(retention.jobHours).toBeGreaterThan(0);
    expect(checkLifecycle(JSON.parse(committed), retention)).toEqual([]);
  });

  it.each([
    [
      "an expiry sooner than the retention",
      '"Days": 14',
      '"Days": 7',
      /expires objects after 7 days, before/,
    ],
    [
      "the expiry rule disabled",
      '"expire-tenant-objects",\n      "Status": "Enabled"',
      '"expire-tenant-objects",\n      "Status": "Disabled"',
      /no enabled rule expires/,
    ],
    ["a prefix that misses tenants", '"Prefix": "t/"', '"Prefix": "t/acme/"', /no enabled rule expires/],
    [
      "no multipart clean-up",
      '"AbortIncompleteMultipartUpload": { "DaysAfterInitiation": 1 }',
      '"Expiration": { "Days": 30 }',
      /no enabled rule aborts incomplete multipart uploads/,
    ],
    ["a misspelt field", '"Expiration"', '"Expiry"', /Unrecognized key/],
  ])("notices %s", (_, search, replacement, expected) => {
    expect(broken(search, replacement).join("\n")).toMatch(expected);
  });

  it("notices a retention grown past the rule", () => {
    const longer = { ...retention, jobHours: 24 * 30 };
    expect(checkLifecycle(JSON.parse(committed), longer)).toEqual([
      expect.stringMatching(/^expire-tenant-objects expires objects after 14 days/),
    ]);
  });
});
