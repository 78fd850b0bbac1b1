/**
 * @module What a training folder's two domains are, in words: an optional `domains.json` beside trainA/
 * and trainB/ (`{ "A": "colour emoji", "B": "line-art emoji" }`), carried into the checkpoints and every
 * export so that a served model can say what it does.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ModelDomains } from "@ugatit/contracts/domains";
import { DatasetError } from "./dataset.ts";

export const DOMAINS_FILE = "domains.json";

/** The data folder's domain names; null when it has no domains.json. */
export async function readDomainNames(data: string): Promise<ModelDomains | null> {
  const path = join(data, DOMAINS_FILE);
  const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw new DatasetError(`${path} cannot be read (${error.code ?? error.message})`);
  });
  if (text === undefined) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new DatasetError(`${path} is not JSON`);
  }
  const parsed = ModelDomains.safeParse(json);
  if (!parsed.success)
    throw new DatasetError(`${path} must be { "A": name, "B": name } (1–60 characters each)`);
  return parsed.data;
}

/** Writes the folder's domain names (the demo data's preparation does). */
export function domainsFileText(domains: ModelDomains): string {
  return `${JSON.stringify(domains, null, 2)}\n`;
}
