/**
 * Splits a document's text into chunks as a collection's chunk configuration says: measured in
 * characters (code points), tokens (the emulator's tokenizer) or UTF-8 bytes, with overlap between
 * consecutive chunks.
 *
 * Cuts prefer word boundaries: a chunk ends at the last whitespace in its second half when there is
 * one, and the overlap of the next chunk starts at a word, so search terms are not cut in two. A byte
 * chunk never splits a character (a chunk smaller than one character then holds that one character).
 * The injected header (document name, field values) is added after the cut and not counted in the
 * size.
 */
import type { ChunkConfiguration } from "../../gen/xai/api/v1/types_pb.js";
import type { Tokenizer } from "../tokenizer.js";

/** What a chunk carries besides the text: the document name and the fields to inject. */
export interface ChunkHeader {
  readonly documentName: string;
  /** `[key, value]` pairs of the fields whose definition has `inject_into_chunk`. */
  readonly injectedFields: readonly (readonly [string, string])[];
}

/** A sequence of units the text is measured in, with where it may be cut. */
interface Units {
  readonly length: number;
  /** The text of units `[start, end)`. */
  text(start: number, end: number): string;
  /** A cut before unit `i` keeps every character whole. */
  canCut(i: number): boolean;
  /** A cut before unit `i` falls between words. */
  isWordBoundary(i: number): boolean;
}

const WHITESPACE = /\s/u;
const ASCII_SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function charUnits(text: string): Units {
  const chars = Array.from(text);
  return {
    length: chars.length,
    text: (s, e) => chars.slice(s, e).join(""),
    canCut: () => true,
    // Either side of a cut being whitespace means no word is split by it.
    isWordBoundary: (i) => WHITESPACE.test(chars[i - 1] ?? "") || WHITESPACE.test(chars[i] ?? ""),
  };
}

function tokenUnits(text: string, tokenizer: Tokenizer): Units {
  const pieces = tokenizer.pieces(text);
  return {
    length: pieces.length,
    text: (s, e) => pieces.slice(s, e).join(""),
    canCut: () => true,
    // The tokenizer glues a leading space to the word after it (" word"): the cut goes before it.
    isWordBoundary: (i) => /^\s/u.test(pieces[i] ?? "") || /\s$/u.test(pieces[i - 1] ?? ""),
  };
}

function byteUnits(text: string): Units {
  const bytes = encoder.encode(text);
  return {
    length: bytes.length,
    text: (s, e) => decoder.decode(bytes.subarray(s, e)),
    // UTF-8 continuation bytes are 10xxxxxx: cutting before one would split a character.
    canCut: (i) => i >= bytes.length || ((bytes[i] ?? 0) & 0xc0) !== 0x80,
    isWordBoundary: (i) => ASCII_SPACE.has(bytes[i - 1] ?? 0) || ASCII_SPACE.has(bytes[i] ?? 0),
  };
}

/** Where the chunk starting at `start` ends, at most `size` units later when possible. */
function chunkEnd(u: Units, start: number, size: number): number {
  const limit = start + size;
  if (limit >= u.length) return u.length;
  for (let i = limit; i > start + Math.floor(size / 2); i--) if (u.isWordBoundary(i) && u.canCut(i)) return i;
  for (let i = limit; i > start; i--) if (u.canCut(i)) return i;
  for (let i = limit + 1; i < u.length; i++) if (u.canCut(i)) return i;
  return u.length;
}

/** Where the next chunk starts: `overlap` units before `end`, moved forward to a word start. */
function nextStart(u: Units, start: number, end: number, overlap: number): number {
  const from = Math.max(end - overlap, start + 1);
  if (from >= end) return end;
  for (let i = from; i < end; i++) if (u.isWordBoundary(i) && u.canCut(i)) return i;
  for (let i = from; i < end; i++) if (u.canCut(i)) return i;
  return end;
}

/** `[start, end)` unit spans of the chunks. */
function spans(u: Units, size: number, overlap: number): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  while (start < u.length) {
    const end = chunkEnd(u, start, size);
    out.push([start, end]);
    if (end >= u.length) break;
    start = nextStart(u, start, end, overlap);
  }
  return out;
}

function unitsOf(text: string, config: ChunkConfiguration, tokenizer: Tokenizer) {
  switch (config.config.case) {
    case "tokensConfiguration": {
      const c = config.config.value;
      return {
        units: tokenUnits(text, tokenizer),
        size: c.maxChunkSizeTokens,
        overlap: c.chunkOverlapTokens,
      };
    }
    case "bytesConfiguration": {
      const c = config.config.value;
      return { units: byteUnits(text), size: c.maxChunkSizeBytes, overlap: c.chunkOverlapBytes };
    }
    case "charsConfiguration": {
      const c = config.config.value;
      return { units: charUnits(text), size: c.maxChunkSizeChars, overlap: c.chunkOverlapChars };
    }
    case undefined:
      throw new Error("chunk configuration has no unit (it is normalised when the collection is created)");
  }
}

/**
 * The chunk texts of `text`, in document order. Chunks that are only whitespace are dropped: they
 * hold nothing to search.
 */
export function chunkText(
  text: string,
  config: ChunkConfiguration,
  header: ChunkHeader,
  tokenizer: Tokenizer,
): string[] {
  const { units, size, overlap } = unitsOf(text, config, tokenizer);
  const prefix = [
    ...(config.injectNameIntoChunks ? [header.documentName] : []),
    ...header.injectedFields.map(([k, v]) => `${k}: ${v}`),
  ];
  const out: string[] = [];
  for (const [s, e] of spans(units, Math.max(1, size), Math.max(0, overlap))) {
    let body = units.text(s, e);
    if (config.stripWhitespace) body = body.replace(/\s+/gu, " ").trim();
    if (body.trim().length === 0) continue;
    out.push(prefix.length > 0 ? `${prefix.join("\n")}\n\n${body}` : body);
  }
  return out;
}
