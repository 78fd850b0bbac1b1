/** @module Breaking a copy of a deployment file in memory, to show that a check notices. */

/** `text` with its one occurrence of `search` replaced; throws unless `search` occurs exactly once. */
export function replaceOnce(text: string, search: string, replacement: string): string {
  const occurrences = text.split(search).length - 1;
  if (occurrences !== 1)
    throw new Error(`expected one ${JSON.stringify(search)} to replace, found ${occurrences}`);
  return text.replace(search, () => replacement);
}
