/**
 * The text the emulator indexes from a document's bytes. The emulator reads text documents only:
 * UTF-8 content (HTML with its markup removed). Anything else, such as a PDF or an image, fails
 * indexing with a message saying so, where the real service would run a format-specific extractor.
 */

/** The text, or why there is none. */
export type ExtractedText =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly error: string };

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

const ENTITIES: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
};

function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/giu, " ")
    .replace(/<!--[\s\S]*?-->/gu, " ")
    .replace(/<[^>]*>/gu, " ")
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/giu, (whole, name: string) => {
      if (name.startsWith("#x") || name.startsWith("#X"))
        return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
      if (name.startsWith("#")) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
      return ENTITIES[name.toLowerCase()] ?? whole;
    });
}

/** The indexable text of a document with the given bytes and MIME type. */
export function extractText(bytes: Uint8Array, contentType: string): ExtractedText {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return {
      ok: false,
      error: `the emulator indexes UTF-8 text documents only; this ${contentType} content is not valid UTF-8 text`,
    };
  }
  // NUL characters do not occur in text files: such content is binary that happens to decode.
  if (text.includes("\u0000")) {
    return {
      ok: false,
      error: `the emulator indexes UTF-8 text documents only; this ${contentType} content is binary`,
    };
  }
  return { ok: true, text: contentType.startsWith("text/html") ? htmlToText(text) : text };
}
