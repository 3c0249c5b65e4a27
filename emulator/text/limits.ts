import { FinishReason } from "../../gen/xai/api/v1/sample_pb.js";
import type { Tokenizer } from "../tokenizer.js";

/** The limits a request puts on generated text. */
export interface GenerationLimits {
  /** Most tokens to produce; unset = no limit. */
  readonly maxTokens?: number | undefined;
  /** Sequences that end generation; they are left out of the output. */
  readonly stop?: readonly string[] | undefined;
}

/** Generated text after the limits, and why it ended. */
export interface LimitedText {
  readonly text: string;
  /** `REASON_STOP` (natural end or a stop sequence) or `REASON_MAX_LEN` (cut by `max_tokens`). */
  readonly finishReason: FinishReason;
}

/**
 * Applies `max_tokens` and `stop` to a finished text the way token-by-token generation would: first
 * only the first `maxTokens` tokens are ever produced; then, if a stop sequence appears whole inside
 * them, the output ends just before its earliest occurrence (`REASON_STOP`); otherwise a text that
 * was cut ends with `REASON_MAX_LEN`, and one that was not with `REASON_STOP`.
 */
export function applyLimits(full: string, limits: GenerationLimits, tokenizer: Tokenizer): LimitedText {
  const produced = limits.maxTokens === undefined ? full : tokenizer.truncate(full, limits.maxTokens);
  let cut = -1;
  for (const s of limits.stop ?? []) {
    if (s === "") continue;
    const at = produced.indexOf(s);
    if (at >= 0 && (cut < 0 || at < cut)) cut = at;
  }
  if (cut >= 0) return { text: produced.slice(0, cut), finishReason: FinishReason.REASON_STOP };
  return {
    text: produced,
    finishReason: produced.length < full.length ? FinishReason.REASON_MAX_LEN : FinishReason.REASON_STOP,
  };
}
