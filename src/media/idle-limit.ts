/**
 * Default idle limit of media URL fetches (15 s): a fetch that makes no progress for this long is
 * given up. Kept apart from the fetch code so that reading the configuration loads no network code.
 */
export const DEFAULT_MEDIA_IDLE_TIMEOUT_MS = 15_000;
