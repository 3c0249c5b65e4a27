import { hashParts, prng } from "./hash.js";

/** What a raw-text continuation depends on; the same input always gives the same text. */
export interface ContinuationInput {
  /** Canonical model name (an alias gives the same text as its model). */
  readonly model: string;
  readonly prompt: string;
  /** The request's seed; unset keeps its own fixed stream rather than being random. */
  readonly seed?: number | undefined;
  /** Which of the `n` choices: each gets a different text. */
  readonly index: number;
}

// Neutral filler so the text reads like prose without pretending to know anything.
const VOCABULARY = `the a quiet river signal model answer pattern light morning idea story careful simple
bright slowly again later together around moves holds returns finds keeps shows turns
becomes small open clear another each every through under beyond with without near far`.split(/\s+/u);

/**
 * A deterministic continuation of a raw-text prompt: it first says it is emulated and by which
 * model, then goes on for a few sentences mixing words of the prompt with neutral filler, and ends
 * with a full stop (its natural end, `REASON_STOP`). It starts with a space unless the prompt
 * already ends in whitespace, so `prompt + continuation` reads as one text.
 */
export function continuation(input: ContinuationInput): string {
  const rnd = prng(hashParts("sample", input.model, input.prompt, input.seed ?? "unset", input.index));
  const promptWords = [
    ...new Set(Array.from(input.prompt.toLowerCase().matchAll(/\p{L}{3,}/gu), (m) => m[0])),
  ].slice(0, 16);
  const word = () =>
    promptWords.length > 0 && rnd.next() < 0.4 ? rnd.pick(promptWords) : rnd.pick(VOCABULARY);
  const sentences = [`(Emulated continuation by ${input.model}.)`];
  const count = 2 + rnd.int(3);
  for (let s = 0; s < count; s++) {
    const words = Array.from({ length: 6 + rnd.int(6) }, word);
    const first = words[0] ?? "the";
    words[0] = first.charAt(0).toUpperCase() + first.slice(1);
    // A comma now and then gives stop sequences such as "," something to find.
    if (words.length > 7 && rnd.next() < 0.5) words[3] = `${words[3]},`;
    sentences.push(`${words.join(" ")}.`);
  }
  const lead = /\s$/u.test(input.prompt) ? "" : " ";
  return lead + sentences.join(" ");
}
