/** @module The client's types, written by openapi-typescript from the API's OpenAPI document. */
import openapiTS, { astToString, COMMENT_HEADER, type OpenAPI3 } from "openapi-typescript";

/** Where the generated types are committed. */
export const OPENAPI_TYPES_FILE = new URL("../src/openapi.ts", import.meta.url);

/**
 * The source of `src/openapi.ts` for a document; the same document always gives the same text.
 *
 * @example
 * const source = await openApiTypes(await (await fetch(`${edge}/openapi.json`)).json());
 */
export async function openApiTypes(document: object): Promise<string> {
  const ast = await openapiTS(structuredClone(document) as OpenAPI3, {
    // a field with a default is optional to send: requests must not be forced to spell defaults out
    defaultNonNullable: false,
    silent: true,
  });
  return COMMENT_HEADER + astToString(ast);
}
