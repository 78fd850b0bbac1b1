/** @module Parsing YAML files strictly: a syntax error, a duplicate key or a warning is a problem. */
import { parseAllDocuments } from "yaml";

export interface ParsedYaml {
  /** One plain JavaScript value per `---` document. */
  documents: unknown[];
  problems: string[];
}

/**
 * Parses every document of a YAML stream.
 * @example parseYamlDocuments(readRepoFile("infra/compose.yaml"), "infra/compose.yaml")
 */
export function parseYamlDocuments(text: string, file: string): ParsedYaml {
  const parsed = parseAllDocuments(text);
  if ("empty" in parsed) {
    const issues = [...parsed.errors, ...parsed.warnings].map((issue) => `${file}: ${issue.message}`);
    return { documents: [], problems: issues.length > 0 ? issues : [`${file}: no YAML document`] };
  }
  const problems = parsed.flatMap((document) =>
    [...document.errors, ...document.warnings].map((issue) => `${file}: ${issue.message}`),
  );
  return { documents: problems.length > 0 ? [] : parsed.map((document) => document.toJS()), problems };
}
