/** @module The compose file: the Compose Specification schema, then how the worker is wired into the stack. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, posix } from "node:path";
import { Ajv, type ErrorObject } from "ajv";
import { DCLinter } from "dclint";
import { isWorkerEnvName, WORKER_ENV, type WorkerEnvVar, workerEnvDefault } from "../worker-env.ts";

/** The Dockerfile the compose stack builds its worker from (relative to the repository root). */
const COMPOSE_WORKER_DOCKERFILE = "infra/docker/cpu.Dockerfile";

// The official compose-spec.json, as dclint (a compose linter) ships it; its exports hide the file.
const schemaPath = join(
  dirname(createRequire(import.meta.url).resolve("dclint/package.json")),
  "schemas/compose.schema.json",
);
// Its $schema is draft-07 spelled with https, an id Ajv does not know; the schema itself needs no checking.
const validateSchema = new Ajv({ allErrors: true, strict: false, validateSchema: false }).compile(
  JSON.parse(readFileSync(schemaPath, "utf8")),
);

type Scalar = string | number | boolean | null;

interface ComposeService {
  build?: string | { context?: string; dockerfile?: string };
  depends_on?: string[] | Record<string, { condition: string }>;
  environment?: Record<string, Scalar> | string[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  ports?: (string | number | { target: number | string })[];
  restart?: string;
  stop_grace_period?: string;
  volumes?: (string | { target: string })[];
}

interface ComposeFile {
  services?: Record<string, ComposeService>;
}

function schemaMessage(error: ErrorObject): string {
  const allowed = error.params as { allowedValues?: unknown[]; additionalProperty?: string };
  const detail = allowed.allowedValues ?? allowed.additionalProperty;
  return `${error.instancePath || "/"} ${error.message ?? error.keyword}${detail === undefined ? "" : ` (${JSON.stringify(detail)})`}`;
}

/** `${NAME:-default}` and `${NAME-default}` become their defaults, `$$` a `$`; the rest is left as written. */
export function withComposeDefaults(value: string): string {
  return value.replace(/\$\{\w+:?-([^}]*)\}/g, "$1").replaceAll("$$", "$");
}

/** Milliseconds of a Compose duration such as `40s`, `1m30s` or `500ms`; NaN when it is not one. */
export function composeDurationMs(duration: string): number {
  const units: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...duration.matchAll(/(\d+(?:\.\d+)?)(us|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join("") !== duration) return Number.NaN;
  return parts.reduce(
    (total, [, amount, unit]) => total + Number(amount) * (units[unit ?? ""] ?? Number.NaN),
    0,
  );
}

function environmentOf(service: ComposeService): Map<string, string> {
  const entries: [string, string][] = Array.isArray(service.environment)
    ? service.environment.map((line) => [line.split("=")[0] ?? "", line.slice(line.indexOf("=") + 1)])
    : Object.entries(service.environment ?? {}).map(([name, value]) => [name, String(value)]);
  return new Map(entries.map(([name, value]) => [name, withComposeDefaults(value)]));
}

function dependenciesOf(service: ComposeService): Map<string, string | undefined> {
  const dependsOn = service.depends_on ?? [];
  return Array.isArray(dependsOn)
    ? new Map(dependsOn.map((name) => [name, undefined]))
    : new Map(Object.entries(dependsOn).map(([name, { condition }]) => [name, condition]));
}

function isOneShot(service: ComposeService): boolean {
  return service.restart === "no";
}

function dependencyProblems(services: Record<string, ComposeService>): string[] {
  return Object.entries(services).flatMap(([name, service]) =>
    [...dependenciesOf(service)].flatMap(([dependency, condition]) => {
      const target = services[dependency];
      if (target === undefined) return [`${name} depends on ${dependency}, which is not a service`];
      const expected = isOneShot(target) ? "service_completed_successfully" : "service_healthy";
      return condition === expected
        ? []
        : [`${name} should wait for ${dependency} with condition ${expected}`];
    }),
  );
}

function healthcheckProblems(services: Record<string, ComposeService>): string[] {
  return Object.entries(services)
    .filter(
      ([, service]) =>
        !isOneShot(service) && (service.healthcheck?.test === undefined || service.healthcheck.disable),
    )
    .map(([name]) => `${name} runs for good but has no healthcheck`);
}

function workerEnvProblems(environment: Map<string, string>): string[] {
  const unknown = [...environment.keys()]
    .filter((name) => !isWorkerEnvName(name))
    .map((name) => `the worker sets ${name}, which is not a variable of ugatit serve (infra/worker-env.ts)`);
  const missing = (WORKER_ENV as readonly WorkerEnvVar[])
    .filter((variable) => variable.required && !environment.has(variable.name))
    .map((variable) => `the worker does not set ${variable.name}, which it needs`);
  return [...unknown, ...missing];
}

function workerWiringProblems(services: Record<string, ComposeService>, worker: ComposeService): string[] {
  const problems: string[] = [];
  const environment = environmentOf(worker);
  const port = environment.get("PORT") ?? workerEnvDefault("PORT") ?? "";

  const endpointHost = URL.parse(environment.get("S3_ENDPOINT") ?? "")?.hostname ?? "";
  if (services[endpointHost] === undefined || dependenciesOf(worker).get(endpointHost) !== "service_healthy")
    problems.push(
      `S3_ENDPOINT names ${endpointHost || "no host"}, not a service the worker waits for until healthy`,
    );

  if (!JSON.stringify(worker.healthcheck?.test ?? "").includes(`:${port}/readyz`))
    problems.push(`the worker's healthcheck does not ask ${port}/readyz (healthy means every model loaded)`);

  const published = (worker.ports ?? []).map((entry) =>
    typeof entry === "object" ? String(entry.target) : String(entry).split(":").at(-1)?.split("/")[0],
  );
  if (!published.includes(port)) problems.push(`the worker does not publish its PORT ${port}`);

  const drainMs = Number(environment.get("DRAIN_TIMEOUT_MS") ?? workerEnvDefault("DRAIN_TIMEOUT_MS"));
  const graceMs = composeDurationMs(worker.stop_grace_period ?? "10s");
  if (!(graceMs > drainMs))
    problems.push(
      `stop_grace_period ${worker.stop_grace_period ?? "10s (default)"} does not exceed DRAIN_TIMEOUT_MS ${drainMs}`,
    );

  const mounts = (worker.volumes ?? []).map((volume) =>
    typeof volume === "object" ? volume.target : (volume.split(":")[1] ?? ""),
  );
  for (const model of (environment.get("UGATIT_MODELS") ?? "").split(",")) {
    const source = model.slice(model.indexOf("=") + 1);
    if (!/^[\w.-]+@[\w.-]+=./.test(model))
      problems.push(`UGATIT_MODELS entry "${model}" is not name@version=source`);
    else if (!source.startsWith("s3://") && !mounts.some((mount) => source.startsWith(`${mount}/`)))
      problems.push(`model file ${source} is not on a volume mounted into the worker`);
  }
  return problems;
}

/**
 * Everything wrong with the compose file: schema violations first (and only, when there are any),
 * then the stack's wiring. Paths in the file are relative to infra/, where it lives.
 */
export function checkComposeFile(document: unknown): string[] {
  if (!validateSchema(document))
    return (validateSchema.errors ?? []).map((error) => `schema: ${schemaMessage(error)}`);
  const services = (document as ComposeFile).services ?? {};
  const problems = [...dependencyProblems(services), ...healthcheckProblems(services)];
  const worker = Object.values(services).find(
    (service) => typeof service.build === "object" && service.build.dockerfile === COMPOSE_WORKER_DOCKERFILE,
  );
  if (worker === undefined) return [...problems, `no service is built from ${COMPOSE_WORKER_DOCKERFILE}`];
  const context = typeof worker.build === "object" ? (worker.build.context ?? ".") : ".";
  if (posix.normalize(`infra/${context}`) !== ".")
    problems.push(`the worker's build context ${context} is not the repository root`);
  return [
    ...problems,
    ...workerEnvProblems(environmentOf(worker)),
    ...workerWiringProblems(services, worker),
  ];
}

/**
 * dclint's findings (all its rules at their default levels) on a compose file on disk: pinned image
 * tags, ports bound to an interface, no duplicate published ports, key order and the like.
 */
export function lintComposeFile(path: string): string[] {
  // Biome formats the repository's YAML with double quotes.
  const rules = { "require-quotes-in-ports": [1, { quoteType: "double" }] };
  const linter = new DCLinter({ rules, quiet: false, debug: false, exclude: [] });
  // dclint's declarations use extensionless imports that NodeNext cannot follow, so its types are spelled here.
  const results: { messages: { line: number; message: string; rule: string }[] }[] = linter.lintFiles(
    [path],
    false,
  );
  return results.flatMap((result) =>
    result.messages.map((message) => `line ${message.line}: ${message.message} (${message.rule})`),
  );
}
