import { create } from "@bufbuild/protobuf";
import { type LogProb, LogProbSchema } from "../../gen/xai/api/v1/chat_pb.js";
import { hashParts, prng } from "../text/hash.js";
import type { EmulatedToken } from "../tokenizer.js";

const encoder = new TextEncoder();

// Plausible runners-up for every position; the emulator has no real distribution to draw from.
const ALTERNATIVES = [" the", " a", ",", ".", " and", " emulator", " model", " is", " to", " of"];

/**
 * Log probabilities for generated tokens, deterministic from the token, its position and `salt`:
 * each token gets a logprob in (-0.6, -0.01], and `top` alternatives (the token itself first, then
 * less likely ones, in decreasing order) when asked for.
 */
export function logProbsFor(
  tokens: readonly EmulatedToken[],
  top: number,
  salt: readonly (string | number)[],
  offset = 0,
): LogProb[] {
  return tokens.map((token, i) => {
    const rng = prng(hashParts("logprob", ...salt, offset + i, token.text));
    const logprob = -(0.01 + rng.next() * 0.59);
    const alternatives = [{ token: token.text, logprob }];
    let next = logprob;
    for (const alt of ALTERNATIVES) {
      if (alternatives.length >= top) break;
      if (alt === token.text) continue;
      next -= 0.5 + rng.next() * 1.5;
      alternatives.push({ token: alt, logprob: next });
    }
    return create(LogProbSchema, {
      token: token.text,
      logprob,
      bytes: token.bytes,
      topLogprobs: alternatives.slice(0, top).map((a) => ({ ...a, bytes: encoder.encode(a.token) })),
    });
  });
}
