import { extname } from "node:path";
import { sniffImageType } from "./image-type.js";

const BY_EXTENSION: Record<string, string> = {
  ".txt": "text/plain",
  ".md": "text/markdown",
  ".csv": "text/csv",
  ".json": "application/json",
  ".jsonl": "application/jsonl",
  ".html": "text/html",
  ".pdf": "application/pdf",
  ".mp4": "video/mp4",
  ".webm": "video/webm",
  ".mov": "video/quicktime",
};

/** The media type of a file from its first bytes (images) or its extension; octet-stream otherwise. */
export function guessMediaType(path: string, head?: Uint8Array): string {
  const image = head ? sniffImageType(head) : undefined;
  return image ?? BY_EXTENSION[extname(path).toLowerCase()] ?? "application/octet-stream";
}

/**
 * The text of `bytes` when they are UTF-8 text (no NUL, valid encoding), else undefined: what may be
 * shown to an agent as text.
 */
export function asText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
