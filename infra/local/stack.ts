/**
 * The whole service on one machine, no Docker, no GPU, no cloud account: the signature-checking S3
 * server, the inference worker on the best backend present, and the edge under `wrangler dev --local`
 * (D1, the Queue and the rate limiters emulated by Miniflare). Used by `npm start` and the e2e tests.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { DEMO_CHECKPOINT } from "../../gpu-worker/src/catalogue/catalogue.ts";
import { type DevModel, resolveDevModel } from "./dev-model.ts";
import { assertPortFree, freePort, waitUntil } from "./ports.ts";
import { writePrivateFile } from "./private-file.ts";
import { type ServiceSpec, Supervisor } from "./supervisor.ts";

const run = promisify(execFile);

/** Where the stack's servers listen (the inspector: the edge's debugger). */
export interface StackPorts {
  edge: number;
  worker: number;
  s3: number;
  inspector: number;
}

/** A port for each server that nothing listens on now: a stack beside `npm start`'s or another one. */
export async function freeStackPorts(): Promise<StackPorts> {
  return {
    edge: await freePort(),
    worker: await freePort(),
    s3: await freePort(),
    inspector: await freePort(),
  };
}

export interface StackOptions {
  /** The repository root. */
  root: string;
  /** Where data lives between runs: S3 objects, D1, generated models (`.local/` for `npm start`). */
  stateDir: string;
  ports: StackPorts;
  /** UGATIT_CHECKPOINT: a checkpoint to serve instead of the default model. */
  checkpoint?: string | undefined;
  /** Where a line from a part goes (npm start prints them with the part's name). */
  log?: (part: string, line: string) => void;
  /** Called once if a part exits on its own after the start: the stack is then stopped. */
  onFailure?: (message: string) => void;
  /** Edge variables over wrangler.toml's (a chaos run's shorter retry delays, its higher rate limit). */
  edgeVars?: Record<string, string>;
  /** How often the sweeper runs (the Cron Trigger's minute unless a run needs it sooner). */
  cronIntervalMs?: number;
}

export interface DevInfo {
  edgeUrl: string;
  apiKey: string;
  s3Endpoint: string;
  bucket: string;
  workerUrl: string;
  model: string;
  checkpoint: string;
  untrained: boolean;
}

export type Part = "s3" | "worker" | "edge";

export interface Stack {
  info: DevInfo;
  supervisor: Supervisor;
  /** Starts a part again (after a crash or a stop) and waits until it is healthy. */
  restart(part: Part): Promise<void>;
  stop(): Promise<void>;
}

const BUCKET = "ugatit";
const S3_KEY = "local-access-key";
const S3_SECRET = "local-secret-key-change-me";
/** How often the edge's Cron Trigger runs (wrangler.toml says every minute; Miniflare never fires it itself). */
const CRON_INTERVAL_MS = 60_000;

async function answers(url: string, init?: RequestInit): Promise<boolean> {
  const r = await fetch(url, { ...init, signal: AbortSignal.timeout(2000) });
  await r.body?.cancel();
  return r.ok;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const { root, stateDir, ports } = options;
  const log = options.log ?? (() => undefined);
  const node = process.execPath;
  const tsx = ["--import", "tsx"];
  const wrangler = join(root, "node_modules/wrangler/bin/wrangler.js");
  const wranglerState = join(stateDir, "wrangler");
  // New each start: the edge and the worker refuse any fixed, published secret.
  const workerSecret = randomBytes(32).toString("hex");

  // Every port is checked before anything starts, so a clash is named and nothing is left half-up.
  await assertPortFree(ports.s3, "s3");
  await assertPortFree(ports.worker, "worker");
  await assertPortFree(ports.edge, "edge");
  await assertPortFree(ports.inspector, "inspector");
  await mkdir(join(stateDir, "s3"), { recursive: true });
  const model: DevModel = await resolveDevModel({
    checkpoint: options.checkpoint,
    demo: DEMO_CHECKPOINT,
    scratch: join(stateDir, "models"),
  });

  let failed = false;
  const supervisor = new Supervisor((name, code, tail) => {
    if (failed) return;
    failed = true;
    const last = tail
      .filter((l) => l.trim())
      .slice(-3)
      .join(" | ");
    options.onFailure?.(`${name} exited (code ${code})${last ? `: ${last}` : ""}`);
  }, log);

  const edgeUrl = `http://127.0.0.1:${ports.edge}`;
  const s3Endpoint = `http://127.0.0.1:${ports.s3}`;
  const workerUrl = `http://127.0.0.1:${ports.worker}`;
  // The edge's local vars and secrets, kept with the rest of the state (not in the repo's .dev.vars).
  const envFile = join(stateDir, "edge.env");

  const parts: Record<Part, { spec: ServiceSpec; healthy: () => Promise<boolean>; timeoutMs: number }> = {
    s3: {
      spec: {
        name: "s3",
        command: node,
        args: [...tsx, join(root, "infra/local/s3-server-main.ts")],
        cwd: root,
        env: {
          S3_PORT: String(ports.s3),
          S3_DIRECTORY: join(stateDir, "s3"),
          S3_BUCKET: BUCKET,
          S3_ACCESS_KEY_ID: S3_KEY,
          S3_SECRET_ACCESS_KEY: S3_SECRET,
          S3_CORS_ORIGINS: [edgeUrl, `http://localhost:${ports.edge}`].join(","),
        },
      },
      // anonymous requests are refused (403): any answer means it is up
      healthy: async () => (await fetch(s3Endpoint, { signal: AbortSignal.timeout(2000) })).status === 403,
      timeoutMs: 30_000,
    },
    worker: {
      spec: {
        name: "worker",
        command: node,
        args: [join(root, "gpu-worker/bin/ugatit.js"), "serve"],
        cwd: root,
        env: {
          PORT: String(ports.worker),
          HOST: "127.0.0.1",
          UGATIT_MODELS: `${model.name}@1=${resolve(model.checkpoint)}`,
          ...(model.size ? { UGATIT_SIZE: String(model.size) } : {}),
          S3_ENDPOINT: s3Endpoint,
          S3_BUCKET: BUCKET,
          S3_ACCESS_KEY_ID: S3_KEY,
          S3_SECRET_ACCESS_KEY: S3_SECRET,
          WORKER_SHARED_SECRET: workerSecret,
          LOG_LEVEL: "warn",
        },
      },
      healthy: () => answers(`${workerUrl}/readyz`),
      timeoutMs: 300_000,
    },
    edge: {
      spec: {
        name: "edge",
        command: node,
        args: [
          wrangler,
          "dev",
          "--local",
          "--ip",
          "127.0.0.1",
          "--port",
          String(ports.edge),
          "--inspector-port",
          String(ports.inspector),
          "--persist-to",
          wranglerState,
          "--env-file",
          envFile,
          // exposes /__scheduled, which the stack calls in place of the Cron Trigger
          "--test-scheduled",
          "--show-interactive-dev-session=false",
        ],
        cwd: root,
        env: { CI: "true" },
      },
      healthy: () => answers(`${edgeUrl}/healthz`),
      timeoutMs: 120_000,
    },
  };
  /** Starts a part and waits for its health check, failing at once, by name, if it exits first. */
  const launch = async (part: Part) => {
    const child = supervisor.start(parts[part].spec);
    let exited: (() => void) | undefined;
    const exit = new Promise<never>((_, reject) => {
      exited = () => {
        const last = supervisor.lastLine(part);
        reject(new Error(`${part} exited during start-up${last ? `: ${last}` : ""}`));
      };
      child.once("exit", exited);
    });
    try {
      await Promise.race([waitUntil(part, parts[part].healthy, parts[part].timeoutMs), exit]);
    } finally {
      if (exited) child.off("exit", exited);
      exit.catch(() => undefined);
    }
  };

  try {
    await launch("s3");
    const worker = launch("worker"); // loads its model while the edge starts
    worker.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
    await writePrivateFile(
      envFile,
      [
        `WORKER_URL=${workerUrl}`,
        `WORKER_SHARED_SECRET=${workerSecret}`,
        `S3_ENDPOINT=${s3Endpoint}`,
        "S3_REGION=us-east-1",
        `S3_BUCKET=${BUCKET}`,
        "S3_FORCE_PATH_STYLE=true",
        `S3_ACCESS_KEY_ID=${S3_KEY}`,
        `S3_SECRET_ACCESS_KEY=${S3_SECRET}`,
        `CORS_ORIGINS=${edgeUrl},http://localhost:${ports.edge}`,
        `DEFAULT_MODEL=${model.name}`,
        // wrangler dev passes a client's own CF-Connecting-IP through: key the anonymous tier on nothing.
        "ANONYMOUS_TIER=local",
        "WEBHOOK_ALLOW_LOCAL=true",
        ...Object.entries(options.edgeVars ?? {}).map(([name, value]) => `${name}=${value}`),
        "",
      ].join("\n"),
    );
    await run(
      node,
      [wrangler, "d1", "migrations", "apply", "ugatit", "--local", "--persist-to", wranglerState],
      {
        cwd: root,
        env: { ...process.env, CI: "true" },
      },
    );
    await Promise.all([worker, launch("edge")]);
    const apiKey = await createDevKey(root, wranglerState);
    const info: DevInfo = {
      edgeUrl,
      apiKey,
      s3Endpoint,
      bucket: BUCKET,
      workerUrl,
      model: model.name,
      checkpoint: model.checkpoint,
      untrained: model.untrained,
    };
    await writePrivateFile(join(stateDir, "dev.json"), `${JSON.stringify(info, null, 2)}\n`);
    // the sweeper: a missed run (the edge restarting) is made up by the next
    const cron = setInterval(() => {
      answers(`${edgeUrl}/__scheduled?cron=*+*+*+*+*`).catch(() => undefined);
    }, options.cronIntervalMs ?? CRON_INTERVAL_MS);
    cron.unref();
    return {
      info,
      supervisor,
      restart: launch,
      stop: () => {
        clearInterval(cron);
        return supervisor.stopAll();
      },
    };
  } catch (error) {
    failed = true;
    await supervisor.stopAll();
    throw error;
  }
}

/** A development API key for tenant `dev`, created in the local D1 with the edge's keys script. */
async function createDevKey(root: string, state: string): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    [
      "--import",
      "tsx",
      join(root, "edge/scripts/keys-cli.ts"),
      "create",
      "--tenant",
      "dev",
      "--local",
      "--persist-to",
      state,
      "--json",
    ],
    { cwd: root },
  );
  return (JSON.parse(stdout.trim().split("\n").at(-1) as string) as { key: string }).key;
}
