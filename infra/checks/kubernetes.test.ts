import { describe, expect, it } from "vitest";
import {
  adapterMetricNames,
  checkWorkerManifests,
  QUEUE_DEPTH_METRIC,
  validateKubernetesObject,
} from "./kubernetes.ts";
import { K8S_DIR, kustomizeManifests, readRepoFile, SECRET_EXAMPLE } from "./layout.ts";
import { replaceOnce } from "./testing.ts";
import { parseYamlDocuments } from "./yaml.ts";

const IMAGE_UID = 10001;
const manifests = [...kustomizeManifests().map((name) => `${K8S_DIR}/${name}`), SECRET_EXAMPLE];

/** Every manifest object, with `search` replaced in the one file `file`. */
function objectsWith(file: string, search: string, replacement: string): unknown[] {
  return manifests.flatMap((path) => {
    const text = readRepoFile(path);
    const { documents, problems } = parseYamlDocuments(
      path.endsWith(file) ? replaceOnce(text, search, replacement) : text,
      path,
    );
    expect(problems).toEqual([]);
    return documents;
  });
}

describe("validateKubernetesObject", () => {
  it.each([
    [
      "a port given as a string",
      "deployment.yaml",
      "containerPort: 8080",
      'containerPort: "8080"',
      "containerPort must be integer",
    ],
    [
      "a replica bound that is not a number",
      "hpa.yaml",
      "minReplicas: 2",
      "minReplicas: one",
      "minReplicas must be integer",
    ],
    [
      "a container without a name",
      "deployment.yaml",
      "- name: worker",
      "- workingDir: /app",
      "containers/0 must have required property name",
    ],
    [
      "a kind this check does not know",
      "deployment.yaml",
      "apiVersion: apps/v1",
      "apiVersion: apps/v1beta1",
      "no schema here for apps/v1beta1",
    ],
    [
      "an object without a name",
      "service.yaml",
      "  name: ugatit-gpu-worker\n",
      "",
      "metadata.name is missing",
    ],
  ])("reports %s", (_, file, search, replacement, expected) => {
    const problems = objectsWith(file, search, replacement).flatMap((object) =>
      validateKubernetesObject(object),
    );
    expect(problems).toContainEqual(expect.stringContaining(expected));
  });
});

describe("checkWorkerManifests", () => {
  const served = [QUEUE_DEPTH_METRIC];

  it.each([
    ["two GPUs", "deployment.yaml", "nvidia.com/gpu: 1", "nvidia.com/gpu: 2", "exactly one nvidia.com/gpu"],
    [
      "readiness on another path",
      "deployment.yaml",
      "path: /readyz",
      "path: /ready",
      "readinessProbe does not GET /readyz",
    ],
    [
      "liveness on readiness",
      "deployment.yaml",
      "path: /healthz",
      "path: /readyz",
      "livenessProbe does not GET /healthz",
    ],
    [
      "a probe on another port",
      "deployment.yaml",
      "path: /readyz\n              port: http",
      "path: /readyz\n              port: 9090",
      "readinessProbe does not use the worker's PORT 8080",
    ],
    [
      "a grace period the drain does not fit in",
      "deployment.yaml",
      "terminationGracePeriodSeconds: 45",
      "terminationGracePeriodSeconds: 30",
      "terminationGracePeriodSeconds 30 does not exceed preStop sleep 5 s + DRAIN_TIMEOUT_MS 30 s",
    ],
    [
      "a drain the grace period does not fit",
      "configmap.yaml",
      'DRAIN_TIMEOUT_MS: "30000"',
      'DRAIN_TIMEOUT_MS: "60000"',
      "terminationGracePeriodSeconds 45 does not exceed",
    ],
    [
      "no preStop sleep",
      "deployment.yaml",
      'command: ["sleep", "5"]',
      'command: ["true"]',
      "no preStop sleep",
    ],
    [
      "root allowed",
      "deployment.yaml",
      "runAsNonRoot: true",
      "runAsNonRoot: false",
      "runAsNonRoot is not true",
    ],
    [
      "another user than the image's",
      "deployment.yaml",
      "runAsUser: 10001",
      "runAsUser: 0",
      "runAsUser 0 is not the image's user 10001",
    ],
    [
      "a read-only root without /tmp",
      "deployment.yaml",
      "mountPath: /tmp",
      "mountPath: /scratch",
      "nothing writable is mounted on /tmp",
    ],
    [
      "a Service selecting other pods",
      "service.yaml",
      "selector:\n    app.kubernetes.io/name: ugatit-gpu-worker",
      "selector:\n    app.kubernetes.io/name: ugatit-edge",
      "the Service does not select the Deployment's pods",
    ],
    [
      "a Service on another port",
      "service.yaml",
      "targetPort: http",
      "targetPort: 9090",
      "Service port 8080 does not reach the worker's PORT 8080",
    ],
    [
      "a selector the template does not match",
      "deployment.yaml",
      "matchLabels:\n      app.kubernetes.io/name: ugatit-gpu-worker",
      "matchLabels:\n      app.kubernetes.io/name: ugatit-worker",
      "the Deployment's selector does not match",
    ],
    [
      "an HPA aimed elsewhere",
      "hpa.yaml",
      "    name: ugatit-gpu-worker\n  # Never",
      "    name: ugatit-worker\n  # Never",
      "the HPA does not target Deployment ugatit-gpu-worker",
    ],
    [
      "an HPA on an unserved metric",
      "hpa.yaml",
      "name: ugatit_queue_depth",
      "name: ugatit_queue_length",
      "scales on ugatit_queue_length, which the metrics adapter does not serve",
    ],
    [
      "inverted replica bounds",
      "hpa.yaml",
      "maxReplicas: 8",
      "maxReplicas: 0",
      "minReplicas exceeds maxReplicas",
    ],
    [
      "an unknown ConfigMap key",
      "configmap.yaml",
      "LOG_LEVEL: info",
      "LOGLEVEL: info",
      "LOGLEVEL is not a variable of ugatit serve",
    ],
    [
      "a credential in the ConfigMap",
      "configmap.yaml",
      "LOG_LEVEL: info",
      "LOG_LEVEL: info\n  S3_SECRET_ACCESS_KEY: x",
      "S3_SECRET_ACCESS_KEY is a credential",
    ],
    [
      "a Secret without the shared secret",
      "secret.example.yaml",
      "WORKER_SHARED_SECRET: replace",
      "SHARED_SECRET: replace",
      "nothing sets WORKER_SHARED_SECRET",
    ],
    [
      "env from another Secret",
      "deployment.yaml",
      "secretRef:\n                name: ugatit-gpu-worker",
      "secretRef:\n                name: other",
      "does not take its env from Secret ugatit-gpu-worker",
    ],
    [
      "a scrape port that is not the worker's",
      "deployment.yaml",
      'prometheus.io/port: "8080"',
      'prometheus.io/port: "9090"',
      "prometheus.io/port 9090 is not the worker's PORT 8080",
    ],
    [
      "a container port that is not PORT",
      "configmap.yaml",
      'PORT: "8080"',
      'PORT: "9090"',
      "the worker container does not declare its PORT 9090",
    ],
    [
      "a rollout that stops the only pod first",
      "deployment.yaml",
      "maxSurge: 1\n      maxUnavailable: 0",
      "maxSurge: 0\n      maxUnavailable: 2",
      "a rollout may take all 2 replica(s) down at once",
    ],
    [
      "one replica, which the PodDisruptionBudget then never lets a drain evict",
      "hpa.yaml",
      "minReplicas: 2",
      "minReplicas: 1",
      "keeps 1 of 1 replica(s) available: no node drain could proceed",
    ],
    [
      "a Recreate rollout",
      "deployment.yaml",
      "type: RollingUpdate\n    rollingUpdate:\n      # A new pod loads its models (minutes on a GPU) and turns ready before an old one stops: one extra\n      # GPU for the rollout's length, never less capacity.\n      maxSurge: 1\n      maxUnavailable: 0",
      "type: Recreate",
      "Recreate strategy stops every pod",
    ],
    [
      "a percentage that rounds to the whole Deployment",
      "deployment.yaml",
      "maxUnavailable: 0",
      'maxUnavailable: "100%"',
      "a rollout may take all 2 replica(s) down at once (maxUnavailable 2, maxSurge 1)",
    ],
    [
      "a PodDisruptionBudget on other pods",
      "pdb.yaml",
      "matchLabels:\n      app.kubernetes.io/name: ugatit-gpu-worker",
      "matchLabels:\n      app.kubernetes.io/name: ugatit-edge",
      "the PodDisruptionBudget does not select the Deployment's pods",
    ],
    [
      "a PodDisruptionBudget that lets the last pod go",
      "pdb.yaml",
      "minAvailable: 1",
      "maxUnavailable: 2",
      "lets a drain evict the last serving pod",
    ],
    [
      "a PodDisruptionBudget no drain can satisfy",
      "pdb.yaml",
      "minAvailable: 1",
      'minAvailable: "100%"',
      "keeps 2 of 2 replica(s) available: no node drain could proceed",
    ],
  ])("notices %s", (_, file, search, replacement, expected) => {
    const problems = checkWorkerManifests(objectsWith(file, search, replacement), IMAGE_UID, served);
    expect(problems).toContainEqual(expect.stringContaining(expected));
  });

  it("finds nothing wrong with the manifests as they are", () => {
    expect(
      checkWorkerManifests(
        objectsWith("service.yaml", "type: ClusterIP", "type: ClusterIP"),
        IMAGE_UID,
        served,
      ),
    ).toEqual([]);
  });

  it("notices a missing PodDisruptionBudget", () => {
    const objects = objectsWith("service.yaml", "type: ClusterIP", "type: ClusterIP").filter(
      (object) => (object as { kind?: string }).kind !== "PodDisruptionBudget",
    );
    expect(checkWorkerManifests(objects, IMAGE_UID, served)).toContainEqual(
      "expected one PodDisruptionBudget (policy/v1), found 0",
    );
  });

  it("notices a missing Secret", () => {
    const objects = objectsWith("service.yaml", "type: ClusterIP", "type: ClusterIP").filter(
      (object) => (object as { kind?: string }).kind !== "Secret",
    );
    expect(checkWorkerManifests(objects, IMAGE_UID, served)).toContainEqual("expected one Secret, found 0");
  });
});

describe("adapterMetricNames", () => {
  it("reads renamed and plain series", () => {
    const values = {
      rules: {
        custom: [
          { seriesQuery: 'ugatit_queue_depth{pod!=""}', name: { as: "queue" } },
          { seriesQuery: 'ugatit_requests_total{pod!=""}' },
        ],
      },
    };
    expect(adapterMetricNames(values)).toEqual(["queue", "ugatit_requests_total"]);
  });

  it("is empty for values without custom rules", () => {
    expect(adapterMetricNames({ prometheus: { url: "http://prometheus" } })).toEqual([]);
  });
});
