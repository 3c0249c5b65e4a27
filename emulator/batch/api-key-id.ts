import { hashParts } from "../text/hash.js";

/**
 * The stable, non-secret id of an API key (UUID-shaped), as reported in `Batch.create_api_key_id`.
 * It is the same id Auth's `get_api_key_info` reports as `api_key_id` (same derivation), so a
 * client can tell which of its keys created a batch; a hash, so it reveals nothing of the key.
 */
export function apiKeyId(key: string): string {
  const hex = [0, 1, 2, 3].map((i) => hashParts("key", key, i).toString(16).padStart(8, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
