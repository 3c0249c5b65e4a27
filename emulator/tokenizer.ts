import { fnv1a } from "./text/hash.js";

/** One token of the emulator's deterministic tokenizer. */
export interface EmulatedToken {
  readonly id: number;
  readonly text: string;
  readonly bytes: Uint8Array;
}

/**
 * The one tokenizer the emulator uses everywhere: Tokenize, usage counts, max_tokens.
 *
 * Text is cut into pieces: a word (letters, marks, digits) with at most one leading space, a single
 * punctuation or symbol character with at most one leading space, or a run of whitespace. Pieces
 * longer than 4 code points are cut into chunks of 4. Joining the token texts gives back the input
 * exactly, and `count(t) === tokenize(t).length` always.
 */
export interface Tokenizer {
  tokenize(text: string): EmulatedToken[];
  count(text: string): number;
  /** The token texts only (cheaper than `tokenize` when ids and bytes are not needed). */
  pieces(text: string): string[];
  /**
   * The longest prefix of `text` made of whole tokens, at most `maxTokens` of them: how `max_tokens`
   * cuts an answer.
   */
  truncate(text: string, maxTokens: number): string;
}

/** Size of the emulated vocabulary: token ids are in `[0, VOCAB_SIZE)`. */
export const VOCAB_SIZE = 131072;

/** Longest token, in code points. */
const MAX_TOKEN_CHARS = 4;

// Alternation order matters: a space followed by a word goes with the word (" hello"), other
// whitespace runs stand alone, so "a  b" is "a", " ", " b".
const PIECE = / ?[\p{L}\p{M}\p{N}]+| ?[^\s\p{L}\p{M}\p{N}]|\s+/gu;

const encoder = new TextEncoder();

function splitPieces(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(PIECE)) {
    const piece = match[0];
    // Spread by code point so an astral character (emoji, rare CJK) is never cut in half.
    const chars = [...piece];
    if (chars.length <= MAX_TOKEN_CHARS) {
      out.push(piece);
      continue;
    }
    for (let i = 0; i < chars.length; i += MAX_TOKEN_CHARS) {
      out.push(chars.slice(i, i + MAX_TOKEN_CHARS).join(""));
    }
  }
  return out;
}

/** Builds the tokenizer (it holds no state: every instance answers the same). */
export function createTokenizer(): Tokenizer {
  return {
    pieces: splitPieces,
    tokenize: (text) =>
      splitPieces(text).map((piece) => {
        const bytes = encoder.encode(piece);
        return { id: fnv1a(bytes) % VOCAB_SIZE, text: piece, bytes };
      }),
    count: (text) => splitPieces(text).length,
    truncate: (text, maxTokens) => splitPieces(text).slice(0, Math.max(0, maxTokens)).join(""),
  };
}
