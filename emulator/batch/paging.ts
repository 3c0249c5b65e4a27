import { invalidArgument } from "../errors.js";

/** Page size used when a list call leaves `limit` at 0. */
export const DEFAULT_PAGE_LIMIT = 100;

/** Largest page a list call returns; a bigger `limit` is lowered to it (the token still leads on). */
export const MAX_PAGE_LIMIT = 1000;

/**
 * Serialized bytes of results one ListBatchResults page may carry. Results hold whole responses
 * (images as data URLs among them), so a page of `limit` results could otherwise outgrow the 20 MiB
 * gRPC message limit that clients enforce; 16 MiB leaves room for the envelope.
 */
export const MAX_PAGE_BYTES = 16 * 1024 * 1024;

/** The page size a list call asked for: 0 means the default, negative is refused, large is capped. */
export function pageLimit(limit: number): number {
  if (limit < 0) throw invalidArgument(`limit must not be negative (got ${limit})`);
  if (limit === 0) return DEFAULT_PAGE_LIMIT;
  return Math.min(limit, MAX_PAGE_LIMIT);
}

/**
 * An opaque pagination token: a cursor bound to the list it belongs to (`scope`, e.g. the results
 * of one batch), so a token from one list is refused by another instead of silently skipping items.
 */
export function encodeToken(scope: string, cursor: number): string {
  return Buffer.from(JSON.stringify({ s: scope, c: cursor }), "utf8").toString("base64url");
}

/**
 * The cursor in `token`, or undefined for a first page (no token, or an empty one).
 * `INVALID_ARGUMENT` when the token was not issued for this list.
 */
export function decodeToken(token: string | undefined, scope: string): number | undefined {
  if (token === undefined || token === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    parsed = undefined;
  }
  const { s, c } = (parsed ?? {}) as { s?: unknown; c?: unknown };
  if (s !== scope || typeof c !== "number" || !Number.isSafeInteger(c) || c < 0) {
    throw invalidArgument(
      "invalid pagination_token: pass the token returned by the previous page of this list",
    );
  }
  return c;
}
