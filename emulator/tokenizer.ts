// PLACEHOLDER: replaced by the chat part of the emulator.
/** One token of the emulator's deterministic tokenizer. */
export interface EmulatedToken {
  readonly id: number;
  readonly text: string;
  readonly bytes: Uint8Array;
}

/** The one tokenizer the emulator uses everywhere: Tokenize, usage counts, max_tokens. */
export interface Tokenizer {
  tokenize(text: string): EmulatedToken[];
  count(text: string): number;
}

export function createTokenizer(): Tokenizer {
  throw new Error("not implemented yet");
}
