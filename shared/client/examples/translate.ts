/**
 * Translates one image through the API and writes the result:
 *   UGATIT_API_KEY=ugk_… npm run example -w @ugatit/client -- selfie.png anime.png [A2B|B2A]
 * UGATIT_URL is the API's address (default http://127.0.0.1:8787, where `npm start` serves it).
 */
import { openAsBlob } from "node:fs";
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { ApiNetworkError, ApiProblemError, createClient, type Direction } from "@ugatit/client";

const DIRECTIONS: readonly Direction[] = ["A2B", "B2A"];
const [input, output, direction = "A2B"] = process.argv.slice(2);
if (!input || !output || !DIRECTIONS.includes(direction as Direction)) {
  console.error("usage: translate.ts INPUT OUTPUT [A2B|B2A]   (env: UGATIT_API_KEY, UGATIT_URL)");
  process.exit(2);
}
// npm runs scripts in the package's folder: paths are taken from where npm was started
const at = (path: string) => resolve(process.env.INIT_CWD ?? process.cwd(), path);

const client = createClient({
  baseUrl: process.env.UGATIT_URL ?? "http://127.0.0.1:8787",
  ...(process.env.UGATIT_API_KEY ? { apiKey: process.env.UGATIT_API_KEY } : {}),
});

try {
  const result = await client.translate(await openAsBlob(at(input)), { direction: direction as Direction });
  await writeFile(at(output), await result.image());
  console.log(`${input} → ${output}: ${result.job.model}, ${direction}, job ${result.job.id}`);
} catch (error) {
  if (!(error instanceof ApiProblemError || error instanceof ApiNetworkError)) throw error;
  // a problem's message is its status, title and detail; a network error's names the address
  console.error(`error: ${error.message}`);
  process.exit(1);
}
