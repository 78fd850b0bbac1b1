/**
 * Regenerates `src/openapi.ts` from a running edge's /openapi.json (`npm start` serves one on :8787):
 * `npm run generate -w @ugatit/client [-- http://127.0.0.1:8787]`.
 */
import { writeFile } from "node:fs/promises";
import { OPENAPI_TYPES_FILE, openApiTypes } from "./openapi-types.ts";

const edge = process.argv[2] ?? "http://127.0.0.1:8787";
const response = await fetch(new URL("/openapi.json", edge));
if (!response.ok) throw new Error(`GET ${edge}/openapi.json answered ${response.status}`);
await writeFile(OPENAPI_TYPES_FILE, await openApiTypes(await response.json()));
console.log(`wrote ${OPENAPI_TYPES_FILE.pathname}`);
