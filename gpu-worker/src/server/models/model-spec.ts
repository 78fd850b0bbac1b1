/** One entry of UGATIT_MODELS: `name@version=source`. */
export interface ModelSpec {
  name: string;
  version: string;
  /** A file path, or `s3://bucket/key`. */
  source: string;
}

export class ModelSpecError extends Error {
  override name = "ModelSpecError";
}

const ENTRY = /^([a-z0-9][a-z0-9._-]{0,63})@([A-Za-z0-9._-]{1,32})=(.+)$/;

/** Parses `selfie2anime@1=/models/a.safetensors,horse2zebra@3=s3://models/h2z.pt`. */
export function parseModelSpecs(text: string): ModelSpec[] {
  const specs = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const match = ENTRY.exec(entry);
      if (!match)
        throw new ModelSpecError(`UGATIT_MODELS entry "${entry}" is not name@version=path-or-s3-uri`);
      return { name: match[1] as string, version: match[2] as string, source: match[3] as string };
    });
  const ids = specs.map((s) => `${s.name}@${s.version}`);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) throw new ModelSpecError(`UGATIT_MODELS names ${duplicate} twice`);
  if (specs.length === 0) throw new ModelSpecError("UGATIT_MODELS names no model");
  return specs;
}

/** `s3://bucket/key` → its parts; undefined for a file path. */
export function parseS3Uri(source: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(source);
  return match ? { bucket: match[1] as string, key: match[2] as string } : undefined;
}

/** Orders versions so that "10" is newer than "9" and "1.10" newer than "1.9". */
export function compareVersions(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}
