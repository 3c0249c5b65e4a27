import { formatBytes } from "../media/byte-size.js";

/** Longest file name the Files API accepts, in characters. */
export const MAX_FILENAME_CHARS = 255;

/**
 * Largest file this server uploads (200 MiB). The API's own cap is not published; this one keeps an
 * agent from streaming something huge by mistake, and a bigger file is refused before any byte is sent.
 */
export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;

/** The accepted range of `expires_after`, in seconds: one hour to thirty days. */
export const EXPIRES_AFTER_RANGE = { min: 3600, max: 2_592_000 } as const;

/** Size of each data message of an upload (3 MiB, as the official client sends). */
export const UPLOAD_CHUNK_BYTES = 3 * 1024 * 1024;

/**
 * What is wrong with a file name by the Files API's rules (a name, not a path: non-empty, at most
 * 255 characters, no `/` or `\`, no control characters, not `.` or `..`), or undefined when it is fine.
 */
export function fileNameProblem(name: string): string | undefined {
  if (name.trim().length === 0) return "must not be empty";
  if ([...name].length > MAX_FILENAME_CHARS) return `must be at most ${MAX_FILENAME_CHARS} characters`;
  if (/[/\\]/.test(name)) return "must be a name, not a path (no '/' or '\\')";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(name)) return "must not contain control characters";
  if (name === "." || name === "..") return "must not be '.' or '..'";
  return undefined;
}

/** What is wrong with an upload's size, or undefined when it is fine. */
export function uploadSizeProblem(bytes: number): string | undefined {
  if (bytes === 0) return "the content is empty; a file needs at least one byte";
  if (bytes > MAX_UPLOAD_BYTES) {
    return `the content is ${formatBytes(bytes)}; files up to ${formatBytes(MAX_UPLOAD_BYTES)} are uploaded`;
  }
  return undefined;
}

/** What is wrong with an `expires_after` value, or undefined when it is in range. */
export function expiresAfterProblem(seconds: bigint | number): string | undefined {
  const s = Number(seconds);
  if (s < EXPIRES_AFTER_RANGE.min || s > EXPIRES_AFTER_RANGE.max) {
    return `must be between ${EXPIRES_AFTER_RANGE.min} (1 hour) and ${EXPIRES_AFTER_RANGE.max} (30 days) seconds, got ${s}`;
  }
  return undefined;
}
