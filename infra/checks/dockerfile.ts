/** @module What a worker image's Dockerfile must do, checked on its text. */
import {
  Add,
  Copy,
  DockerfileParser,
  Env,
  type From,
  type Instruction,
  JSONInstruction,
} from "dockerfile-ast";
import { validate } from "dockerfile-utils";
import { isWorkerEnvName, workerEnvDefault } from "../worker-env.ts";

/** What differs between the worker images. */
export interface WorkerImageSpec {
  /** Repository path of the Dockerfile, for messages. */
  file: string;
  /** The final stage's base image (`name:tag`) must match it. */
  runtimeBase: RegExp;
  /** The native backend whose install script (libtensorflow's, ONNX Runtime's GPU providers' download) the build runs, if any. */
  backendPackage?: string;
  /** `NAME=value` the install script must run with (which native files it fetches). */
  rebuildEnv?: string;
  /**
   * Variables the final stage must set, each to a value matching its pattern; they may be the container
   * runtime's (NVIDIA_*) as well as the worker's.
   */
  env?: Readonly<Record<string, RegExp>>;
  /** Packages the final stage must install with apt-get. */
  aptPackages?: readonly string[];
}

/** How every worker image starts: exec form, so SIGTERM reaches Node (and its drain) directly. */
const WORKER_ENTRYPOINT = ["node", "gpu-worker/bin/ugatit.js", "serve"] as const;

interface Stage {
  from: From;
  instructions: Instruction[];
}

function splitStages(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    if (instruction.getKeyword() === "FROM") stages.push({ from: instruction as From, instructions: [] });
    else stages.at(-1)?.instructions.push(instruction);
  }
  return stages;
}

function ofKeyword(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((instruction) => instruction.getKeyword() === keyword);
}

function argumentsOf(instruction: Instruction | undefined): string {
  return instruction?.getArgumentsContent() ?? "";
}

function pinningProblems(stages: Stage[]): string[] {
  const stageNames = new Set(stages.map((stage) => stage.from.getBuildStage()));
  return stages.flatMap(({ from }) => {
    const image = from.getImage() ?? "";
    if (stageNames.has(image) || from.getImageDigest() !== null) return [];
    // A major version alone (node:22) still moves: pin at least major.minor.
    return /\d+\.\d+/.test(from.getImageTag() ?? "")
      ? []
      : [`base image ${image} is not pinned to a version`];
  });
}

function userProblems(runtime: Stage): string[] {
  const user = argumentsOf(ofKeyword(runtime, "USER").at(-1));
  if (user === "") return ["the final stage has no USER: the worker would run as root"];
  const uid = user.split(":")[0] ?? "";
  // Kubernetes can verify runAsNonRoot only against a numeric user.
  if (!/^\d+$/.test(uid) || Number(uid) === 0)
    return [`the final stage's USER ${user} is not a numeric non-root UID`];
  return [];
}

function entrypointProblems(runtime: Stage): string[] {
  const entrypoint = ofKeyword(runtime, "ENTRYPOINT").at(-1);
  const words =
    entrypoint instanceof JSONInstruction && entrypoint.getOpeningBracket() !== null
      ? entrypoint.getJSONStrings().map((word) => word.getJSONValue())
      : undefined;
  return JSON.stringify(words) === JSON.stringify(WORKER_ENTRYPOINT)
    ? []
    : [`the ENTRYPOINT is not the exec form ${JSON.stringify(WORKER_ENTRYPOINT)}`];
}

/** The variables the stage's ENV instructions set, the last value of each. */
function envValues(runtime: Stage): Map<string, string> {
  return new Map(
    runtime.instructions
      .filter((instruction): instruction is Env => instruction instanceof Env)
      .flatMap((env) => env.getProperties().map((p) => [p.getName(), p.getValue() ?? ""] as const)),
  );
}

function envProblems(runtime: Stage, required: Readonly<Record<string, RegExp>>): string[] {
  const values = envValues(runtime);
  const set = [...values.keys()].filter((name) => !(name in required));
  const missing = Object.entries(required).flatMap(([name, pattern]) => {
    const value = values.get(name);
    if (value === undefined) return [`the final stage does not set ${name}`];
    return pattern.test(value) ? [] : [`the final stage sets ${name}=${value}, not ${pattern}`];
  });
  const read = runtime.instructions.flatMap((instruction) =>
    [...argumentsOf(instruction).matchAll(/process\.env\.(\w+)/g)].map((match) => match[1] ?? ""),
  );
  return [
    ...missing,
    ...[...set, ...read]
      .filter((name) => !isWorkerEnvName(name) && !(name in required))
      .map((name) => `${name} is not a variable of ugatit serve (infra/worker-env.ts)`),
  ];
}

function aptProblems(runtime: Stage, packages: readonly string[]): string[] {
  const installs = ofKeyword(runtime, "RUN")
    .map((run) => argumentsOf(run))
    .flatMap((command) => [...command.matchAll(/apt-get install\b([^&;|]*)/g)].map((m) => m[1] ?? ""))
    .flatMap((args) => args.split(/\s+/));
  return packages
    .filter((name) => !installs.includes(name))
    .map((name) => `the final stage does not apt-get install ${name}`);
}

function buildProblems(builders: Stage[], { backendPackage, rebuildEnv }: WorkerImageSpec): string[] {
  const commands = builders.flatMap((stage) => ofKeyword(stage, "RUN").map((run) => argumentsOf(run)));
  const problems: string[] = [];
  if (!commands.some((command) => /npm ci\b.*--workspace[= ]@ugatit\/gpu-worker/.test(command)))
    problems.push("no build stage runs npm ci --workspace @ugatit/gpu-worker");
  if (backendPackage === undefined) return problems;
  const backend = new RegExp(`npm rebuild\\b[^&;|]*\\s${backendPackage.replaceAll("/", "\\/")}(\\s|$)`);
  const rebuilds = commands.filter((command) => backend.test(command));
  if (rebuilds.length === 0)
    problems.push(`no build stage runs the install script of ${backendPackage} (npm rebuild)`);
  else if (rebuildEnv && !rebuilds.some((command) => command.includes(`${rebuildEnv} npm rebuild`)))
    problems.push(`the install script of ${backendPackage} does not run with ${rebuildEnv}`);
  return problems;
}

/**
 * Everything wrong with a worker image's Dockerfile; empty when it is fine.
 * @example checkWorkerDockerfile(text, { file, runtimeBase: /^node:22\./, backendPackage: "@tensorflow/tfjs-node" })
 */
export function checkWorkerDockerfile(text: string, spec: WorkerImageSpec): string[] {
  const problems = validate(text).map(
    (diagnostic) => `line ${diagnostic.range.start.line + 1}: ${diagnostic.message}`,
  );
  const stages = splitStages(text);
  const runtime = stages.at(-1);
  if (stages.length < 2 || runtime === undefined) {
    problems.push("not a multi-stage build: the build tools would ship in the image");
  }
  if (runtime !== undefined) {
    const base = runtime.from.getImage() ?? "";
    if (!spec.runtimeBase.test(base))
      problems.push(`the final stage is based on ${base}, not ${spec.runtimeBase}`);
    const port = workerEnvDefault("PORT") ?? "";
    if (!ofKeyword(runtime, "EXPOSE").some((expose) => argumentsOf(expose).split(/[\s/]/).includes(port)))
      problems.push(`the final stage does not EXPOSE ${port}, the default PORT`);
    if (!argumentsOf(ofKeyword(runtime, "HEALTHCHECK").at(-1)).includes("/healthz"))
      problems.push("the final stage has no HEALTHCHECK on /healthz");
    if (argumentsOf(ofKeyword(runtime, "STOPSIGNAL").at(-1)) !== "SIGTERM")
      problems.push("the final stage does not declare STOPSIGNAL SIGTERM");
    problems.push(
      ...userProblems(runtime),
      ...entrypointProblems(runtime),
      ...envProblems(runtime, spec.env ?? {}),
      ...aptProblems(runtime, spec.aptPackages ?? []),
      ...buildProblems(stages.slice(0, -1), spec),
    );
  }
  problems.push(...pinningProblems(stages));
  return problems.map((problem) => `${spec.file}: ${problem}`);
}

/** The numeric UID the final stage runs as, for comparing with Kubernetes' runAsUser. */
export function imageUserId(text: string): number | undefined {
  const user = argumentsOf(
    splitStages(text)
      .at(-1)
      ?.instructions.findLast((i) => i.getKeyword() === "USER"),
  );
  return /^\d+/.test(user) ? Number.parseInt(user, 10) : undefined;
}

/** The paths a Dockerfile copies from the build context (COPY and ADD without --from). */
export function contextSources(text: string): string[] {
  return splitStages(text).flatMap((stage) =>
    stage.instructions
      .filter((instruction) => instruction instanceof Copy || instruction instanceof Add)
      .filter((instruction) => !instruction.getFlags().some((flag) => flag.getName() === "from"))
      .flatMap((instruction) =>
        instruction
          .getArguments()
          .map((argument) => argument.getValue())
          .slice(0, -1),
      ),
  );
}
