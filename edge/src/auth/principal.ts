/** @module Who a request acts for, once authenticated. */
import type { Scope } from "../keys/api-key.ts";

export interface Principal {
  /** Prefix of every object key and owner of every job the request touches. */
  tenant: string;
  /** The API key's id; null for the anonymous tier. */
  keyId: string | null;
  scopes: readonly Scope[];
  anonymous: boolean;
  /** The largest image this principal may upload. */
  maxUploadBytes: number;
  /** The client's IPv4 address or IPv6 /64 as Cloudflare reports it ("local" under wrangler dev). */
  clientNetwork: string;
}
