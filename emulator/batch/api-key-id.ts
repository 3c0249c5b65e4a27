import { createHash } from "node:crypto";

/**
 * The stable, non-secret id of an API key (UUID-shaped), as reported in `Batch.create_api_key_id`.
 * A one-way hash of the key: the same key always gives the same id, and the id reveals nothing of
 * the key. The Auth service can use it for `api_key_id` so both agree.
 */
export function apiKeyId(key: string): string {
  const h = createHash("sha256").update(`xai-emulator-api-key-id:${key}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
