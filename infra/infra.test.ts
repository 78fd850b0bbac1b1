// The deployment files as committed pass every static check (the checks' own tests show each can fail).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { describe, expect, it } from "vitest";
import { checkComposeFile, lintComposeFile } from "./checks/compose.ts";
import { checkWorkerDockerfile, contextSources, imageUserId } from "./checks/dockerfile.ts";
import { isExcluded } from "./checks/dockerignore.ts";
import {
  adapterMetricNames,
  checkWorkerManifests,
  QUEUE_DEPTH_METRIC,
  validateKubernetesObject,
} from "./checks/kubernetes.ts";
import { checkKustomization } from "./checks/kustomization.ts";
import {
  ADAPTER_VALUES,
  COMPOSE_FILE,
  DOCKERIGNORE,
  KUSTOMIZATION,
  kustomizeManifests,
  listRepoFiles,
  REPO_ROOT,
  readRepoFile,
  readYaml,
  WORKER_IMAGES,
  workerManifestObjects,
} from "./checks/layout.ts";
import { parseYamlDocuments } from "./checks/yaml.ts";

const GPU_IMAGE = WORKER_IMAGES[0];

describe("YAML", () => {
  it.each(listRepoFiles("infra", (name) => /\.ya?ml$/.test(name)))("%s parses", (path) => {
    const { documents, problems } = parseYamlDocuments(readRepoFile(path), path);
    expect(problems).toEqual([]);
    expect(documents.length).toBeGreaterThan(0);
  });
});

describe("Dockerfiles", () => {
  it.each(WORKER_IMAGES)("$file builds a pinned, multi-stage, non-root image that runs `serve`", (spec) => {
    expect(checkWorkerDockerfile(readRepoFile(spec.file), spec)).toEqual([]);
  });

  it.each(WORKER_IMAGES)(
    "$file copies only paths that exist and the .dockerignore lets through",
    ({ file }) => {
      const dockerignore = readRepoFile(DOCKERIGNORE);
      const sources = contextSources(readRepoFile(file));
      expect(sources.length).toBeGreaterThan(0);
      expect(sources.filter((source) => !existsSync(join(REPO_ROOT, source)))).toEqual([]);
      expect(sources.filter((source) => isExcluded(dockerignore, source))).toEqual([]);
    },
  );

  it("the .dockerignore keeps local state, secrets, dependencies and tests out of the context", () => {
    const dockerignore = readRepoFile(DOCKERIGNORE);
    const private_ = [
      ".git/config",
      ".local/dev.json",
      ".env",
      "node_modules/vitest/package.json",
      "gpu-worker/node_modules/x/index.js",
      "shared/model/src/architecture/generator.test.ts",
      "test/fixtures/ugatit-parity/case.json",
      "infra/models/selfie2anime.safetensors",
    ];
    expect(private_.filter((path) => !isExcluded(dockerignore, path))).toEqual([]);
  });
});

describe("compose", () => {
  it("follows the Compose Specification and wires the worker to MinIO", () => {
    const [compose] = readYaml(COMPOSE_FILE);
    expect(checkComposeFile(compose)).toEqual([]);
  });

  it("has no dclint findings", () => {
    expect(lintComposeFile(join(REPO_ROOT, COMPOSE_FILE))).toEqual([]);
  });
});

describe("Kubernetes", () => {
  const objects = workerManifestObjects();
  const servedMetrics = adapterMetricNames(readYaml(ADAPTER_VALUES)[0]);

  it("every object is valid against its kind's schema", () => {
    expect(objects.length).toBeGreaterThanOrEqual(5);
    expect(objects.flatMap((object) => validateKubernetesObject(object))).toEqual([]);
  });

  it("the Deployment, Service, HPA, ConfigMap and Secret fit the worker and each other", () => {
    const uid = imageUserId(readRepoFile(GPU_IMAGE.file));
    expect(uid).toBeGreaterThan(0);
    expect(checkWorkerManifests(objects, uid ?? 0, servedMetrics)).toEqual([]);
  });

  it("prometheus-adapter serves the queue depth the HPA scales on", () => {
    expect(servedMetrics).toContain(QUEUE_DEPTH_METRIC);
  });

  it("kustomization.yaml applies every manifest and retags the worker image", () => {
    const images = objects
      .filter(Deployment.is)
      .flatMap((deployment) =>
        deployment.spec?.template.spec?.containers.map((container) => container.image ?? ""),
      );
    expect(checkKustomization(readYaml(KUSTOMIZATION)[0], kustomizeManifests(), images.map(String))).toEqual(
      [],
    );
  });
});
