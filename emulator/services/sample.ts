import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { LanguageModel } from "../../gen/xai/api/v1/models_pb.js";
import {
  FinishReason,
  Sample,
  type SampleTextRequest,
  type SampleTextResponseSchema,
} from "../../gen/xai/api/v1/sample_pb.js";
import { costInUsdTicks } from "../catalog.js";
import type { EmulatorContext } from "../context.js";
import { invalidArgument } from "../errors.js";
import { bind, type ServiceBinding } from "../service-impl.js";
import { continuation } from "../text/continuation.js";
import { applyLimits } from "../text/limits.js";

/** Most completions per prompt one request may ask for. */
export const MAX_SAMPLE_N = 8;

/** Tokens per streamed chunk of one choice. */
const STREAM_CHUNK_TOKENS = 3;

type Response = MessageInitShape<typeof SampleTextResponseSchema>;

interface Choice {
  readonly index: number;
  readonly text: string;
  readonly finishReason: FinishReason;
}

function checkRange(name: string, value: number | undefined, min: number, max: number): void {
  if (value !== undefined && !(value >= min && value <= max)) {
    throw invalidArgument(`${name} must be between ${min} and ${max}, got ${value}`);
  }
}

/**
 * Checks a request like the real API does and finds its model. Errors name the offending field.
 */
function validate(ctx: EmulatorContext, req: SampleTextRequest): LanguageModel {
  if (req.model.trim() === "") throw invalidArgument("model is required, e.g. grok-3-mini");
  const model = ctx.catalog.language(req.model);
  if (req.prompt.length === 0) throw invalidArgument("prompt is empty: give at least one text to continue");
  req.prompt.forEach((p, i) => {
    if (p === "") throw invalidArgument(`prompt[${i}] is empty: give a text to continue`);
  });
  checkRange("n", req.n, 1, MAX_SAMPLE_N);
  if (req.maxTokens !== undefined && req.maxTokens < 1) {
    throw invalidArgument(`max_tokens must be at least 1, got ${req.maxTokens}`);
  }
  checkRange("temperature", req.temperature, 0, 2);
  checkRange("top_p", req.topP, 0, 1);
  checkRange("frequency_penalty", req.frequencyPenalty, -2, 2);
  checkRange("presence_penalty", req.presencePenalty, -2, 2);
  checkRange("top_logprobs", req.topLogprobs, 0, 8);
  req.stop.forEach((s, i) => {
    if (s === "") throw invalidArgument(`stop[${i}] is empty: stop sequences need at least one character`);
  });
  for (const p of req.prompt) {
    const tokens = ctx.tokenizer.count(p);
    if (tokens > model.maxPromptLength) {
      throw invalidArgument(
        `This model's maximum prompt length is ${model.maxPromptLength} but the request contains ${tokens} tokens.`,
      );
    }
  }
  return model;
}

/**
 * The choices of a request: for prompt `p` and completion `i` of `n`, the choice with index
 * `p * n + i`, so one prompt's completions are next to each other.
 */
function sampleChoices(ctx: EmulatorContext, req: SampleTextRequest, model: LanguageModel): Choice[] {
  const n = req.n ?? 1;
  return req.prompt.flatMap((prompt, p) =>
    Array.from({ length: n }, (_, i) => {
      const full = continuation({ model: model.name, prompt, seed: req.seed, index: i });
      const limited = applyLimits(full, { maxTokens: req.maxTokens, stop: req.stop }, ctx.tokenizer);
      return { index: p * n + i, ...limited };
    }),
  );
}

/** Usage after `completionTokens` output tokens; the prompts count once, whatever `n` is. */
function usage(ctx: EmulatorContext, req: SampleTextRequest, model: LanguageModel, completionTokens: number) {
  const promptTokens = req.prompt.reduce((sum, p) => sum + ctx.tokenizer.count(p), 0);
  return {
    promptTokens,
    promptTextTokens: promptTokens,
    completionTokens,
    totalTokens: promptTokens + completionTokens,
    costInUsdTicks: costInUsdTicks(model, { promptText: promptTokens, completion: completionTokens }),
  };
}

/**
 * The Sample service: raw-text continuation. Texts are deterministic (`continuation`), cut by
 * `max_tokens` and `stop` with the shared tokenizer; an unset `seed` is a fixed seed of its own
 * rather than a random one, so the emulator stays reproducible. Streaming sends the very text the
 * unary call returns, a few tokens per chunk.
 */
export function sampleService(ctx: EmulatorContext): ServiceBinding {
  const header = (model: LanguageModel) => ({
    id: ctx.newId("sample"),
    created: timestampFromDate(ctx.now()),
    model: model.name,
    systemFingerprint: model.systemFingerprint,
  });

  return bind(Sample, {
    sampleText: (req): Response => {
      const model = validate(ctx, req);
      const choices = sampleChoices(ctx, req, model);
      const completion = choices.reduce((sum, c) => sum + ctx.tokenizer.count(c.text), 0);
      return { ...header(model), choices, usage: usage(ctx, req, model, completion) };
    },

    sampleTextStreaming: async function* (req, call): AsyncGenerator<Response> {
      const model = validate(ctx, req);
      const head = header(model);
      // Each choice's text in chunks; an empty text still gets one (empty) chunk for its finish reason.
      const pending = sampleChoices(ctx, req, model).map((c) => {
        const pieces = ctx.tokenizer.pieces(c.text);
        const chunks: string[] = [];
        for (let i = 0; i < pieces.length; i += STREAM_CHUNK_TOKENS) {
          chunks.push(pieces.slice(i, i + STREAM_CHUNK_TOKENS).join(""));
        }
        return { choice: c, chunks: chunks.length > 0 ? chunks : [""] };
      });
      let produced = 0;
      const rounds = Math.max(...pending.map((p) => p.chunks.length));
      for (let round = 0; round < rounds; round++) {
        if (call.signal.aborted) return;
        const choices = pending
          .filter((p) => round < p.chunks.length)
          .map((p) => {
            const text = p.chunks[round] ?? "";
            produced += ctx.tokenizer.count(text);
            const last = round === p.chunks.length - 1;
            return {
              index: p.choice.index,
              text,
              finishReason: last ? p.choice.finishReason : FinishReason.REASON_INVALID,
            };
          });
        yield { ...head, choices, usage: usage(ctx, req, model, produced) };
        // Let other calls (and cancellation) in between chunks, as a real stream would.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    },
  });
}
