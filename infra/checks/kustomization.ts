/** @module The kustomization: it lists every manifest of its folder and retags the worker's image. */

interface Kustomization {
  apiVersion?: unknown;
  kind?: unknown;
  resources?: unknown;
  images?: unknown;
}

function imageName(image: string): string {
  return image.replace(/@.*$/, "").replace(/:[^/:]*$/, "");
}

/**
 * Everything wrong with a kustomization.yaml; empty when it is fine.
 * @param manifests the manifest files beside it that `kubectl apply -k` must apply (names relative to its folder)
 * @param containerImages the images the Deployment's containers run
 */
export function checkKustomization(
  document: unknown,
  manifests: readonly string[],
  containerImages: readonly string[],
): string[] {
  const kustomization = (typeof document === "object" && document !== null ? document : {}) as Kustomization;
  const problems: string[] = [];
  if (
    kustomization.apiVersion !== "kustomize.config.k8s.io/v1beta1" ||
    kustomization.kind !== "Kustomization"
  )
    problems.push("not a kustomize.config.k8s.io/v1beta1 Kustomization");
  const resources = Array.isArray(kustomization.resources) ? kustomization.resources.map(String) : [];
  for (const manifest of manifests) {
    if (!resources.includes(manifest)) problems.push(`${manifest} is not in resources`);
  }
  for (const resource of resources) {
    if (!manifests.includes(resource)) problems.push(`resource ${resource} is not a manifest beside it`);
  }
  const names = containerImages.map(imageName);
  for (const image of Array.isArray(kustomization.images) ? kustomization.images : []) {
    const name = typeof image === "object" && image !== null && "name" in image ? String(image.name) : "";
    if (!names.includes(name)) problems.push(`images entry ${name} matches no container image`);
  }
  return problems;
}
