/// <reference lib="dom" />
/** @module The API key field: remembered in this browser, sent as a bearer token (blank: the anonymous tier). */

const STORAGE_KEY = "ugatit-key";

export class ApiKey {
  constructor(private readonly input: HTMLInputElement) {
    input.value = localStorage.getItem(STORAGE_KEY) ?? "";
  }

  /** Keeps the key typed for the next visit. */
  remember(): void {
    localStorage.setItem(STORAGE_KEY, this.input.value.trim());
  }

  /** `extra` with the key's authorization header, when there is a key. */
  headers(extra: Record<string, string> = {}): Record<string, string> {
    const key = this.input.value.trim();
    return key ? { authorization: `Bearer ${key}`, ...extra } : extra;
  }
}
