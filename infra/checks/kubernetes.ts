/**
 * @module
 * The Kubernetes manifests: each object against the Kubernetes OpenAPI schema of its kind
 * (kubernetes-models), then the invariants that tie the Deployment, Service, HPA, PodDisruptionBudget,
 * ConfigMap and Secret to each other and to the worker, a rollout or a node drain without an outage among them.
 */
import { Deployment, type IDeployment } from "kubernetes-models/apps/v1/Deployment";
import {
  HorizontalPodAutoscaler,
  type IHorizontalPodAutoscaler,
} from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import {
  type IPodDisruptionBudget,
  PodDisruptionBudget,
} from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { ConfigMap, type IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import { type ISecret, Secret } from "kubernetes-models/v1/Secret";
import { type IService, Service } from "kubernetes-models/v1/Service";
import {
  isWorkerEnvName,
  WORKER_ENV,
  type WorkerEnvName,
  type WorkerEnvVar,
  workerEnvDefault,
} from "../worker-env.ts";

/** The kinds the manifests may use; another kind needs its model added here to be validated. */
const MODELS = [Deployment, Service, ConfigMap, Secret, HorizontalPodAutoscaler, PodDisruptionBudget];

/** The gauge of queued requests per pod that the worker exports and the HPA scales on. */
export const QUEUE_DEPTH_METRIC = "ugatit_queue_depth";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(object: Record<string, unknown>): string {
  const name = isRecord(object.metadata) ? object.metadata.name : undefined;
  return `${String(object.kind)} ${String(name ?? "(unnamed)")}`;
}

/** Schema violations of one parsed manifest; empty when it is valid. */
export function validateKubernetesObject(object: unknown): string[] {
  if (!isRecord(object)) return ["not a Kubernetes object"];
  const Model = MODELS.find((model) => model.apiVersion === object.apiVersion && model.kind === object.kind);
  if (Model === undefined) return [`${describe(object)}: no schema here for ${String(object.apiVersion)}`];
  const problems =
    isRecord(object.metadata) && typeof object.metadata.name === "string" ? [] : ["metadata.name is missing"];
  try {
    new Model(object as never).validate();
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  return problems.map((problem) => `${describe(object)}: ${problem}`);
}

/** The objects `checkWorkerManifests` relates, one of each. */
interface WorkerObjects {
  deployment: IDeployment;
  service: IService;
  hpa: IHorizontalPodAutoscaler;
  pdb: IPodDisruptionBudget;
  configMap: IConfigMap;
  secret: ISecret;
}

function pickOne<T>(
  objects: readonly unknown[],
  is: (value: unknown) => value is T,
  kind: string,
  problems: string[],
) {
  const found = objects.filter(is);
  if (found.length !== 1) problems.push(`expected one ${kind}, found ${found.length}`);
  return found[0];
}

function pickWorkerObjects(objects: readonly unknown[], problems: string[]): WorkerObjects | undefined {
  const deployment = pickOne(objects, Deployment.is, "Deployment", problems);
  const service = pickOne(objects, Service.is, "Service", problems);
  const hpa = pickOne(
    objects,
    HorizontalPodAutoscaler.is,
    "HorizontalPodAutoscaler (autoscaling/v2)",
    problems,
  );
  const pdb = pickOne(objects, PodDisruptionBudget.is, "PodDisruptionBudget (policy/v1)", problems);
  const configMap = pickOne(objects, ConfigMap.is, "ConfigMap", problems);
  const secret = pickOne(objects, Secret.is, "Secret", problems);
  if (!deployment || !service || !hpa || !pdb || !configMap || !secret) return undefined;
  return { deployment, service, hpa, pdb, configMap, secret };
}

/** The worker's view of its environment: ConfigMap and Secret keys, then the container's own env. */
class WorkerEnvironment {
  readonly names = new Set<string>();
  private readonly values = new Map<string, string>();

  constructor({ configMap, secret }: WorkerObjects, container: IContainer) {
    for (const [name, value] of Object.entries(configMap.data ?? {})) this.set(name, value);
    for (const name of [...Object.keys(secret.data ?? {}), ...Object.keys(secret.stringData ?? {})])
      this.set(name);
    for (const variable of container.env ?? []) this.set(variable.name, variable.value);
  }

  private set(name: string, value?: string): void {
    this.names.add(name);
    if (value !== undefined) this.values.set(name, value);
  }

  /** The value the worker sees, its default when unset. */
  get(name: WorkerEnvName): string {
    return this.values.get(name) ?? workerEnvDefault(name) ?? "";
  }
}

function envProblems(
  objects: WorkerObjects,
  container: IContainer,
  environment: WorkerEnvironment,
): string[] {
  const { configMap, secret } = objects;
  const problems: string[] = [];
  const variables = WORKER_ENV as readonly WorkerEnvVar[];
  for (const name of environment.names) {
    if (!isWorkerEnvName(name))
      problems.push(`${name} is not a variable of ugatit serve (infra/worker-env.ts)`);
  }
  for (const name of Object.keys(configMap.data ?? {})) {
    if (variables.some((variable) => variable.name === name && variable.secret))
      problems.push(`${name} is a credential: it belongs in the Secret, not the ConfigMap`);
  }
  for (const variable of variables) {
    if (variable.required && !environment.names.has(variable.name))
      problems.push(`nothing sets ${variable.name}, which the worker needs`);
  }
  const sources = container.envFrom ?? [];
  if (!sources.some((source) => source.configMapRef?.name === configMap.metadata?.name))
    problems.push(`the container does not take its env from ConfigMap ${configMap.metadata?.name}`);
  if (!sources.some((source) => source.secretRef?.name === secret.metadata?.name))
    problems.push(`the container does not take its env from Secret ${secret.metadata?.name}`);
  return problems;
}

/** The container port a probe or Service port names (by name or number). */
function containerPort(container: IContainer, port: string | number | undefined): number | undefined {
  if (typeof port === "number") return port;
  return container.ports?.find((candidate) => candidate.name === port)?.containerPort;
}

function probeProblems(container: IContainer, port: number): string[] {
  const probes = [
    ["readinessProbe", container.readinessProbe, "/readyz"],
    ["livenessProbe", container.livenessProbe, "/healthz"],
  ] as const;
  return probes.flatMap(([field, probe, path]) => {
    const httpGet = probe?.httpGet;
    if (httpGet?.path !== path) return [`${field} does not GET ${path}`];
    return containerPort(container, httpGet.port) === port
      ? []
      : [`${field} does not use the worker's PORT ${port}`];
  });
}

function preStopSleepSeconds(container: IContainer): number | undefined {
  const preStop = container.lifecycle?.preStop;
  if (preStop?.sleep !== undefined) return preStop.sleep.seconds;
  const match = /\bsleep\s+(\d+)/.exec(preStop?.exec?.command?.join(" ") ?? "");
  return match ? Number(match[1]) : undefined;
}

function shutdownProblems(pod: IPodSpec, container: IContainer, environment: WorkerEnvironment): string[] {
  const sleep = preStopSleepSeconds(container);
  const drainSeconds = Number(environment.get("DRAIN_TIMEOUT_MS")) / 1000;
  const grace = pod.terminationGracePeriodSeconds ?? 30;
  const problems =
    sleep === undefined
      ? ["no preStop sleep: the Service could still route to a pod that stopped accepting"]
      : [];
  if (!(grace > (sleep ?? 0) + drainSeconds))
    problems.push(
      `terminationGracePeriodSeconds ${grace} does not exceed preStop sleep ${sleep ?? 0} s + DRAIN_TIMEOUT_MS ${drainSeconds} s`,
    );
  return problems;
}

function securityProblems(pod: IPodSpec, container: IContainer, imageUid: number): string[] {
  const runAsNonRoot = container.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
  const runAsUser = container.securityContext?.runAsUser ?? pod.securityContext?.runAsUser ?? imageUid;
  const problems = runAsNonRoot === true ? [] : ["runAsNonRoot is not true"];
  if (runAsUser !== imageUid) problems.push(`runAsUser ${runAsUser} is not the image's user ${imageUid}`);
  const readOnlyRoot = container.securityContext?.readOnlyRootFilesystem === true;
  if (readOnlyRoot && !(container.volumeMounts ?? []).some((mount) => mount.mountPath === "/tmp"))
    problems.push("the root filesystem is read-only but nothing writable is mounted on /tmp");
  return problems;
}

function selectsAll(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  const pairs = Object.entries(selector ?? {});
  return pairs.length > 0 && pairs.every(([key, value]) => labels[key] === value);
}

function podProblems(objects: WorkerObjects, container: IContainer, port: number): string[] {
  const { deployment, service } = objects;
  const labels = deployment.spec?.template.metadata?.labels ?? {};
  const annotations = deployment.spec?.template.metadata?.annotations ?? {};
  const problems: string[] = [];
  if (String(container.resources?.limits?.["nvidia.com/gpu"]) !== "1")
    problems.push("the worker container does not have a limit of exactly one nvidia.com/gpu");
  if (!selectsAll(deployment.spec?.selector.matchLabels, labels))
    problems.push("the Deployment's selector does not match its pod template's labels");
  if (!selectsAll(service.spec?.selector, labels))
    problems.push("the Service does not select the Deployment's pods");
  for (const servicePort of service.spec?.ports ?? []) {
    if (containerPort(container, servicePort.targetPort ?? servicePort.port) !== port)
      problems.push(`Service port ${servicePort.port} does not reach the worker's PORT ${port}`);
  }
  const scrapePort = annotations["prometheus.io/port"];
  if (scrapePort !== undefined && Number(scrapePort) !== port)
    problems.push(`prometheus.io/port ${scrapePort} is not the worker's PORT ${port}`);
  return problems;
}

function autoscalerProblems({ deployment, hpa }: WorkerObjects, servedMetrics: readonly string[]): string[] {
  const problems: string[] = [];
  const target = hpa.spec?.scaleTargetRef;
  if (
    target?.apiVersion !== "apps/v1" ||
    target.kind !== "Deployment" ||
    target.name !== deployment.metadata?.name
  )
    problems.push(`the HPA does not target Deployment ${deployment.metadata?.name}`);
  if ((hpa.spec?.minReplicas ?? 1) > (hpa.spec?.maxReplicas ?? 0))
    problems.push("the HPA's minReplicas exceeds maxReplicas");
  const metrics = hpa.spec?.metrics ?? [];
  if (metrics.length === 0) problems.push("the HPA has no metric");
  for (const metric of metrics) {
    const name = metric.pods?.metric.name ?? metric.object?.metric.name ?? metric.external?.metric.name;
    if (name !== undefined && !servedMetrics.includes(name))
      problems.push(`the HPA scales on ${name}, which the metrics adapter does not serve`);
  }
  return problems;
}

/** A count or percentage of `total`, as Kubernetes resolves it (percentages of surge round up, else down). */
function resolveCount(value: number | string | undefined, total: number, fallback: number, roundUp: boolean) {
  if (value === undefined) return fallback;
  if (typeof value === "number") return value;
  const percent = /^(\d+)%$/.exec(value);
  if (!percent) return Number.NaN;
  const exact = (Number(percent[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** The fewest replicas the worker runs: the Deployment's own count, or the HPA's floor when lower. */
function fewestReplicas({ deployment, hpa }: WorkerObjects): number {
  return Math.min(deployment.spec?.replicas ?? 1, hpa.spec?.minReplicas ?? 1);
}

/** A rollout keeps a ready pod serving throughout: it surges first, or never takes the last one down. */
function rolloutProblems(objects: WorkerObjects): string[] {
  const strategy = objects.deployment.spec?.strategy;
  if (strategy?.type === "Recreate")
    return ["the Deployment's Recreate strategy stops every pod before new ones are ready"];
  const replicas = fewestReplicas(objects);
  const surge = resolveCount(strategy?.rollingUpdate?.maxSurge, replicas, Math.ceil(replicas / 4), true);
  const unavailable = resolveCount(
    strategy?.rollingUpdate?.maxUnavailable,
    replicas,
    Math.floor(replicas / 4),
    false,
  );
  if (Number.isNaN(surge) || Number.isNaN(unavailable))
    return ["the Deployment's maxSurge or maxUnavailable is neither a count nor a percentage"];
  if (replicas - unavailable >= 1) return [];
  return [
    `a rollout may take all ${replicas} replica(s) down at once (maxUnavailable ${unavailable}, maxSurge ${surge}): use maxSurge >= 1 with maxUnavailable 0, or at least 2 replicas`,
  ];
}

/** A node drain evicts worker pods only while another stays, and can always proceed at the fewest replicas. */
function disruptionProblems(objects: WorkerObjects): string[] {
  const { deployment, pdb } = objects;
  const labels = deployment.spec?.template.metadata?.labels ?? {};
  const replicas = fewestReplicas(objects);
  const problems: string[] = [];
  if (!selectsAll(pdb.spec?.selector?.matchLabels, labels))
    problems.push("the PodDisruptionBudget does not select the Deployment's pods");
  const { minAvailable, maxUnavailable } = pdb.spec ?? {};
  const available =
    minAvailable !== undefined
      ? resolveCount(minAvailable, replicas, 0, true)
      : replicas - resolveCount(maxUnavailable, replicas, replicas, false);
  if (!(available >= 1))
    problems.push(
      "the PodDisruptionBudget lets a drain evict the last serving pod (keep at least 1 available)",
    );
  if (!(available < replicas))
    problems.push(
      `the PodDisruptionBudget keeps ${available} of ${replicas} replica(s) available: no node drain could proceed`,
    );
  return problems;
}

/**
 * Everything wrong with how the worker's manifests fit together; empty when they do.
 * @param objects the schema-valid Deployment, Service, HPA, PodDisruptionBudget, ConfigMap and Secret (in any order)
 * @param imageUid the UID the worker image runs as (its Dockerfile's USER)
 * @param servedMetrics the custom metrics the metrics adapter serves
 */
export function checkWorkerManifests(
  objects: readonly unknown[],
  imageUid: number,
  servedMetrics: readonly string[],
): string[] {
  const problems: string[] = [];
  const picked = pickWorkerObjects(objects, problems);
  const pod = picked?.deployment.spec?.template.spec;
  const container = pod?.containers[0];
  if (!picked || !pod || !container)
    return problems.length > 0 ? problems : ["the Deployment has no container"];
  const environment = new WorkerEnvironment(picked, container);
  const port = Number(environment.get("PORT"));
  if (!container.ports?.some((declared) => declared.containerPort === port))
    problems.push(`the worker container does not declare its PORT ${port}`);
  return [
    ...problems,
    ...envProblems(picked, container, environment),
    ...probeProblems(container, port),
    ...shutdownProblems(pod, container, environment),
    ...securityProblems(pod, container, imageUid),
    ...podProblems(picked, container, port),
    ...autoscalerProblems(picked, servedMetrics),
    ...rolloutProblems(picked),
    ...disruptionProblems(picked),
  ];
}

/** The custom metric names a prometheus-adapter Helm values file makes the adapter serve. */
export function adapterMetricNames(values: unknown): string[] {
  const rules = isRecord(values) && isRecord(values.rules) ? values.rules.custom : undefined;
  if (!Array.isArray(rules)) return [];
  return rules.flatMap((rule) => {
    if (!isRecord(rule)) return [];
    const name = isRecord(rule.name) ? rule.name.as : undefined;
    const series =
      typeof rule.seriesQuery === "string" ? /^[A-Za-z_:][\w:]*/.exec(rule.seriesQuery)?.[0] : undefined;
    const served = typeof name === "string" ? name : series;
    return served === undefined ? [] : [served];
  });
}
