import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { WorkerEnv } from "../gpu-worker/src/server/config/worker-config.ts";
import { isWorkerEnvName, WORKER_ENV, workerEnvDefault } from "./worker-env.ts";

describe("WORKER_ENV", () => {
  it("names each variable once", () => {
    const names = WORKER_ENV.map((variable) => variable.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it("gives no default to a required variable", () => {
    expect(WORKER_ENV.filter((variable) => "required" in variable && "default" in variable)).toEqual([]);
  });

  it("holds the documented defaults", () => {
    expect(workerEnvDefault("PORT")).toBe("8080");
    expect(workerEnvDefault("DRAIN_TIMEOUT_MS")).toBe("30000");
    expect(workerEnvDefault("S3_FORCE_PATH_STYLE")).toBe("true");
    expect(workerEnvDefault("WORKER_SHARED_SECRET")).toBeUndefined();
  });

  it("tells its names from others", () => {
    expect(isWorkerEnvName("UGATIT_MODELS")).toBe(true);
    expect(isWorkerEnvName("UGATIT_MODEL")).toBe(false);
  });
});

describe("WORKER_ENV against the worker's own configuration schema", () => {
  const minimal = {
    UGATIT_MODELS: "m@1=/models/m.safetensors",
    S3_BUCKET: "b",
    S3_ACCESS_KEY_ID: "k",
    S3_SECRET_ACCESS_KEY: "s",
    WORKER_SHARED_SECRET: randomBytes(32).toString("hex"),
  };

  it("names exactly the variables ugatit serve reads", () => {
    expect(WORKER_ENV.map((variable) => variable.name).sort()).toEqual(Object.keys(WorkerEnv.shape).sort());
  });

  it("has the worker's defaults", () => {
    const parsed: Record<string, unknown> = WorkerEnv.parse(minimal);
    const defaults = WORKER_ENV.flatMap((variable) =>
      "default" in variable ? [[variable.name, variable.default]] : [],
    );
    expect(defaults).toEqual(defaults.map(([name]) => [name, String(parsed[name ?? ""])]));
  });

  it("marks as required what the worker cannot start without", () => {
    const result = WorkerEnv.safeParse({});
    const missing = result.success ? [] : result.error.issues.map((issue) => String(issue.path[0]));
    const required = WORKER_ENV.filter((variable) => "required" in variable).map((variable) => variable.name);
    expect(required.sort()).toEqual([...new Set(missing)].sort());
  });
});
