import { stableUuid } from "../text/stable-uuid.js";

/**
 * The stable, non-secret id of an API key (UUID-shaped), as reported in `Batch.create_api_key_id`.
 * It is the same id Auth's `get_api_key_info` reports as `api_key_id` (same derivation), so a
 * client can tell which of its keys created a batch; a hash, so it reveals nothing of the key.
 */
export function apiKeyId(key: string): string {
  return stableUuid("key", key);
}
