/**
 * @module The chaos run: translations at a fixed concurrency through the whole local stack (edge, worker,
 * S3) while the worker is killed twice and the storage once, then a check that every job ended with a
 * reason, none lost or stuck, each `completed` webhook delivered; then a load generator on the read paths.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { executeD1 } from "../../edge/scripts/wrangler-d1.ts";
import { newApiKey } from "../../edge/src/keys/api-key.ts";
import { keyStatements } from "../../edge/src/keys/key-statements.ts";
import { freeStackPorts, type Part, type Stack, startStack } from "../../infra/local/stack.ts";
import { percentile } from "../percentile.ts";
import { type ReadLoadResult, readLoad } from "./read-load.ts";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver.ts";

/** The repository root. */
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const IMAGES = join(ROOT, "test/fixtures/demo-check/testA");
const TERMINAL = new Set(["succeeded", "failed", "canceled"]);
/** Shorter than wrangler.toml's, for this run only, so that recovery shows within minutes. */
const CHAOS_EDGE_VARS = {
  WORKER_TIMEOUT_MS: "20000",
  QUEUED_GRACE_SECONDS: "30",
  RETRY_MAX_DELAY_SECONDS: "10",
  WEBHOOK_RETRY_SCHEDULE_SECONDS: "5,10,30",
};
const CRON_INTERVAL_MS = 5_000;
/** Each key may make 120 requests a minute (the rate limiter binding): the run spreads over this many. */
const KEYS = 256;
/** A job not ended this long after the last fault counts as stuck. */
const SETTLE_MS = 240_000;

export interface ChaosOptions {
  translations: number;
  concurrency: number;
  /** Requests per read route for the load generator. */
  readRequests: number;
}

export interface ChaosResult {
  translations: number;
  concurrency: number;
  faults: string[];
  succeeded: number;
  failed: { id: string; reason: string }[];
  /** Jobs the list or a GET did not show ended by the deadline, or not at all. */
  stuck: string[];
  lost: string[];
  /** Submissions a client retried (storage or edge unreachable for a moment). */
  clientRetries: number;
  webhooks: { deliveries: number; jobsNotified: number; repeatsSameId: number; mismatched: number };
  p50Ms: number;
  p99Ms: number;
  wallSeconds: number;
  reads: ReadLoadResult[];
  settings: string;
}

interface Job {
  id: string;
  submittedAt: number;
  endedAt?: number;
  status?: string;
  reason?: string;
}

/** A 2xx answer's body; anything else stops the run with what the edge said. */
async function json<T>(r: Response, what: string): Promise<T> {
  if (!r.ok) throw new Error(`chaos: ${what} answered ${r.status}: ${(await r.text()).slice(0, 300)}`);
  return (await r.json()) as T;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * @example
 * const result = await benchChaos({ translations: 200, concurrency: 16, readRequests: 2000 });
 */
export async function benchChaos(options: ChaosOptions): Promise<ChaosResult> {
  const stateDir = await mkdtemp(join(tmpdir(), "ugatit-chaos-"));
  const receiver = await startWebhookReceiver();
  let stack: Stack | undefined;
  try {
    stack = await startStack({
      root: ROOT,
      stateDir,
      ports: await freeStackPorts(),
      edgeVars: CHAOS_EDGE_VARS,
      cronIntervalMs: CRON_INTERVAL_MS,
      // the faults below are on purpose: the run itself checks what they leave
      onFailure: (message) => process.stderr.write(`chaos: ${message}\n`),
    });
    // keys of the stack's own tenant, so that each sees every job the run made
    const created = await Promise.all(Array.from({ length: KEYS }, () => newApiKey("dev")));
    await executeD1(
      created.map((c) => keyStatements.insert(c.record)),
      { persistTo: join(stateDir, "wrangler") },
    );
    return await run(
      stack,
      receiver,
      created.map((c) => c.key),
      options,
    );
  } finally {
    await stack?.stop();
    await receiver.close();
    await rm(stateDir, { recursive: true, force: true });
  }
}

async function run(
  stack: Stack,
  receiver: WebhookReceiver,
  keys: string[],
  options: ChaosOptions,
): Promise<ChaosResult> {
  const { edgeUrl } = stack.info;
  let nextKey = 0;
  const auth = () => ({ authorization: `Bearer ${keys[nextKey++ % keys.length]}` });
  const names = (await readdir(IMAGES)).filter((n) => n.endsWith(".png")).sort();
  const images = await Promise.all(names.map((n) => readFile(join(IMAGES, n))));
  const jobs: Job[] = [];
  let clientRetries = 0;
  const begin = performance.now();

  /** A client's request: retried while the stack answers 5xx, 429 or not at all (a part restarting). */
  const send = async (url: string, init: RequestInit): Promise<Response> => {
    for (let attempt = 0; ; attempt++) {
      const r = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) }).catch(() => null);
      if (r && r.status < 500 && r.status !== 429) return r;
      await r?.body?.cancel();
      if (attempt >= 60) throw new Error(`chaos: ${init.method ?? "GET"} ${url} kept failing`);
      clientRetries++;
      await sleep(1000);
    }
  };

  const submit = async (n: number): Promise<Job> => {
    const image = images[n % images.length] as Buffer;
    const headers = { ...auth(), "content-type": "application/json" };
    const upload = await json<{ upload_id: string; url: string; headers: Record<string, string> }>(
      await send(`${edgeUrl}/v1/uploads`, {
        method: "POST",
        headers,
        body: JSON.stringify({ content_type: "image/png", content_length: image.byteLength }),
      }),
      "POST /v1/uploads",
    );
    const put = await send(upload.url, {
      method: "PUT",
      headers: upload.headers,
      body: new Uint8Array(image),
    });
    if (!put.ok) throw new Error(`chaos: the presigned PUT answered ${put.status}`);
    const submittedAt = performance.now();
    const r = await send(`${edgeUrl}/v1/translations`, {
      method: "POST",
      headers: { ...headers, "idempotency-key": `chaos-${n}` },
      body: JSON.stringify({ upload_id: upload.upload_id, direction: "A2B", webhook: receiver.url }),
    });
    const body = (await r.json()) as { id?: string; detail?: string };
    if (!body.id) throw new Error(`chaos: POST /v1/translations answered ${r.status}: ${body.detail}`);
    return { id: body.id, submittedAt };
  };

  const poll = async (job: Job, deadline: () => number) => {
    while (performance.now() < deadline()) {
      const r = await send(`${edgeUrl}/v1/translations/${job.id}`, { headers: auth() });
      const view = await json<{ status: string; error: { detail?: string; title?: string } | null }>(
        r,
        `GET /v1/translations/${job.id}`,
      );
      if (TERMINAL.has(view.status)) {
        job.endedAt = performance.now();
        job.status = view.status;
        if (view.error) job.reason = view.error.detail ?? view.error.title ?? "(no detail)";
        return;
      }
      await sleep(500);
    }
  };

  let submitted = 0;
  let lastFaultAt = performance.now();
  const deadline = () => lastFaultAt + SETTLE_MS;
  const faults: string[] = [];
  // set when the clients stop, a failure included, so that no fault waits for ever
  let clientsDone = false;
  const fault = async (part: Part, at: number) => {
    while (submitted < at && !clientsDone) await sleep(200);
    if (clientsDone) return;
    const t = performance.now();
    await stack.supervisor.kill(part);
    await stack.restart(part);
    lastFaultAt = performance.now();
    faults.push(
      `${part} SIGKILLed after ${at} submissions, healthy again in ${((lastFaultAt - t) / 1000).toFixed(1)} s`,
    );
  };
  const n = options.translations;
  const chaos = (async () => {
    await fault("worker", Math.floor(n / 4));
    await fault("s3", Math.floor(n / 2));
    await fault("worker", Math.floor((3 * n) / 4));
  })();
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (next < n) {
          const job = await submit(next++);
          jobs.push(job);
          submitted++;
          await poll(job, deadline);
        }
      }),
    );
  } finally {
    clientsDone = true;
    await chaos;
  }

  // Every job the run made must be in the tenant's list, ended.
  const listed = new Map<string, string>();
  let cursor: string | null = null;
  do {
    const r = await send(`${edgeUrl}/v1/translations?limit=100${cursor ? `&cursor=${cursor}` : ""}`, {
      headers: auth(),
    });
    const page = await json<{ items: { id: string; status: string }[]; next_cursor: string | null }>(
      r,
      "GET /v1/translations",
    );
    for (const item of page.items) listed.set(item.id, item.status);
    cursor = page.next_cursor;
  } while (cursor);
  const lost = jobs.filter((j) => !listed.has(j.id)).map((j) => j.id);
  const stuck = jobs.filter((j) => !TERMINAL.has(listed.get(j.id) ?? j.status ?? "")).map((j) => j.id);

  // The `completed` events: each job's arrives, a repeat only under the id it first came with.
  const ended = new Set(jobs.filter((j) => j.status).map((j) => j.id));
  const until = performance.now() + 60_000;
  while (performance.now() < until && [...ended].some((id) => !receiver.completedJobs().has(id)))
    await sleep(500);
  const wallSeconds = (performance.now() - begin) / 1000;

  const latencies = jobs
    .filter((j) => j.endedAt !== undefined)
    .map((j) => (j.endedAt as number) - j.submittedAt)
    .sort((a, b) => a - b);
  const someJob = jobs.find((j) => j.status === "succeeded")?.id ?? (jobs[0] as Job).id;
  const reads = await readLoad(edgeUrl, keys, someJob, options.readRequests);
  return {
    translations: n,
    concurrency: options.concurrency,
    faults,
    succeeded: jobs.filter((j) => j.status === "succeeded").length,
    failed: jobs.filter((j) => j.status === "failed").map((j) => ({ id: j.id, reason: j.reason ?? "" })),
    stuck,
    lost,
    clientRetries,
    webhooks: receiver.summary(new Set(jobs.map((j) => j.id))),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    wallSeconds,
    reads,
    settings: `${Object.entries(CHAOS_EDGE_VARS)
      .map(([k, v]) => `${k}=${v}`)
      .join(", ")}, sweeper every ${CRON_INTERVAL_MS / 1000} s`,
  };
}

export function chaosSection(r: ChaosResult): string {
  const reasons = new Map<string, number>();
  for (const f of r.failed) reasons.set(f.reason, (reasons.get(f.reason) ?? 0) + 1);
  return [
    `Chaos (${r.translations} translations at concurrency ${r.concurrency} through the local stack, demo model; ${r.wallSeconds.toFixed(0)} s)`,
    r.faults.map((f) => `- ${f}`).join("\n"),
    [
      "| outcome | count |",
      "|---|---|",
      `| succeeded | ${r.succeeded} |`,
      `| failed with a reason | ${r.failed.length} |`,
      `| stuck (not ended) | ${r.stuck.length} |`,
      `| lost (not in the job list) | ${r.lost.length} |`,
      `| client retries (a part down) | ${r.clientRetries} |`,
      `| webhook deliveries / jobs notified | ${r.webhooks.deliveries} / ${r.webhooks.jobsNotified} |`,
      `| repeats with the same webhook-id / with another | ${r.webhooks.repeatsSameId} / ${r.webhooks.mismatched} |`,
      `| latency submit → ended, p50 / p99 | ${(r.p50Ms / 1000).toFixed(2)} s / ${(r.p99Ms / 1000).toFixed(2)} s |`,
    ].join("\n"),
    ...(reasons.size
      ? [[...reasons].map(([reason, count]) => `- failed ×${count}: ${reason}`).join("\n")]
      : []),
    `Settings for this run only: ${r.settings}.`,
    [
      "Read paths under the load generator (autocannon)",
      "",
      "| route | requests | connections | req/s | p50 ms | p99 ms | non-2xx |",
      "|---|---|---|---|---|---|---|",
      ...r.reads.map(
        (x) =>
          `| ${x.route} | ${x.requests} | ${x.connections} | ${x.requestsPerSecond.toFixed(0)} | ${x.p50Ms} | ${x.p99Ms} | ${x.non2xx} |`,
      ),
    ].join("\n"),
  ].join("\n\n");
}
