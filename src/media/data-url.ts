/** A decoded base64 data URL. */
export interface DataUrl {
  /** The declared media type, lower-cased (`image/png`); empty when none was declared. */
  readonly mimeType: string;
  readonly bytes: Buffer;
}

/**
 * Decodes a base64 data URL (`data:image/png;base64,…`), or returns undefined when `text` is no
 * well-formed base64 data URL.
 */
export function parseDataUrl(text: string): DataUrl | undefined {
  const match = /^data:([^;,]*)((?:;[^;,]*)*?);base64,(.*)$/is.exec(text.trim());
  if (!match) return undefined;
  const payload = (match[3] ?? "").replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(payload) || payload.length % 4 === 1) return undefined;
  return { mimeType: (match[1] ?? "").trim().toLowerCase(), bytes: Buffer.from(payload, "base64") };
}

/** A base64 data URL of `bytes`. */
export function toDataUrl(mimeType: string, bytes: Uint8Array): string {
  return `data:${mimeType};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64")}`;
}
