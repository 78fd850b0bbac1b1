import { describe, expect, it } from "vitest";
import { checkKustomization } from "./kustomization.ts";
import { KUSTOMIZATION, kustomizeManifests, readRepoFile } from "./layout.ts";
import { replaceOnce } from "./testing.ts";
import { parseYamlDocuments } from "./yaml.ts";

const committed = readRepoFile(KUSTOMIZATION);
const images = ["ugatit/gpu-worker:0.1.0-gpu"];

function checkBroken(search: string, replacement: string): string[] {
  const { documents } = parseYamlDocuments(replaceOnce(committed, search, replacement), KUSTOMIZATION);
  return checkKustomization(documents[0], kustomizeManifests(), images);
}

describe("checkKustomization", () => {
  it.each([
    ["a manifest left out", "  - hpa.yaml\n", "", "hpa.yaml is not in resources"],
    ["the PodDisruptionBudget left out", "  - pdb.yaml\n", "", "pdb.yaml is not in resources"],
    [
      "a resource that does not exist",
      "  - hpa.yaml\n",
      "  - hpa.yaml\n  - ingress.yaml\n",
      "resource ingress.yaml is not a manifest beside it",
    ],
    [
      "retagging an image nothing runs",
      "- name: ugatit/gpu-worker",
      "- name: ugatit/worker",
      "images entry ugatit/worker matches no container image",
    ],
    [
      "another kind",
      "kind: Kustomization",
      "kind: Component",
      "not a kustomize.config.k8s.io/v1beta1 Kustomization",
    ],
  ])("notices %s", (_, search, replacement, expected) => {
    expect(checkBroken(search, replacement)).toContain(expected);
  });

  it("matches image names with a registry port, a tag or a digest", () => {
    const document = {
      apiVersion: "kustomize.config.k8s.io/v1beta1",
      kind: "Kustomization",
      resources: [],
      images: [{ name: "registry:5000/ugatit/gpu-worker" }],
    };
    expect(checkKustomization(document, [], ["registry:5000/ugatit/gpu-worker@sha256:abc"])).toEqual([]);
    expect(checkKustomization(document, [], ["registry:5000/ugatit/gpu-worker:1.0"])).toEqual([]);
  });
});
