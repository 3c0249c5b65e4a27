import { create, type MessageInitShape } from "@bufbuild/protobuf";
import {
  type CompletionOutput,
  type CompletionOutputChunkSchema,
  type GetChatCompletionChunk,
  GetChatCompletionChunkSchema,
  type GetChatCompletionResponse,
  MessageRole,
} from "../../gen/xai/api/v1/chat_pb.js";
import type { LanguageModel } from "../../gen/xai/api/v1/models_pb.js";
import { FinishReason } from "../../gen/xai/api/v1/sample_pb.js";
import type { Tokenizer } from "../tokenizer.js";
import { toolCallTokens } from "./output-tokens.js";
import { samplingUsage } from "./usage.js";

/** Tokens per streamed piece of content, and of reasoning (thinking streams in larger steps). */
const CONTENT_TOKENS_PER_CHUNK = 3;
const REASONING_TOKENS_PER_CHUNK = 6;

type OutputChunkInit = MessageInitShape<typeof CompletionOutputChunkSchema>;

/** One streamed piece of one output, with the tokens it adds to the running usage. */
interface Piece {
  readonly chunk: OutputChunkInit;
  readonly completion: number;
  readonly reasoning: number;
}

/** Consecutive groups of `size` tokens of `text`, as text and token counts (joined: `text` exactly). */
function groups(
  text: string,
  size: number,
  tokenizer: Tokenizer,
): { text: string; tokens: number; start: number }[] {
  const pieces = tokenizer.pieces(text);
  const out: { text: string; tokens: number; start: number }[] = [];
  for (let i = 0; i < pieces.length; i += size) {
    const slice = pieces.slice(i, i + size);
    out.push({ text: slice.join(""), tokens: slice.length, start: i });
  }
  return out;
}

function piecesOf(output: CompletionOutput, tokenizer: Tokenizer): Piece[] {
  const message = output.message;
  const pieces: Piece[] = [];
  const index = output.index;
  if (message) {
    for (const g of groups(message.reasoningContent, REASONING_TOKENS_PER_CHUNK, tokenizer)) {
      pieces.push({
        chunk: { index, delta: { reasoningContent: g.text } },
        completion: 0,
        reasoning: g.tokens,
      });
    }
    if (message.encryptedContent) {
      pieces.push({
        chunk: { index, delta: { encryptedContent: message.encryptedContent } },
        completion: 0,
        reasoning: 0,
      });
    }
    for (const g of groups(message.content, CONTENT_TOKENS_PER_CHUNK, tokenizer)) {
      const logprobs = output.logprobs
        ? { content: output.logprobs.content.slice(g.start, g.start + g.tokens) }
        : undefined;
      pieces.push({
        chunk: { index, delta: { content: g.text }, logprobs },
        completion: g.tokens,
        reasoning: 0,
      });
    }
    // A tool call is never split: clients append whole calls.
    for (const call of message.toolCalls) {
      pieces.push({
        chunk: { index, delta: { toolCalls: [call] } },
        completion: toolCallTokens(call, tokenizer),
        reasoning: 0,
      });
    }
  }
  // An output with nothing to say (cut by a stop sequence at its very start) still streams once.
  if (pieces.length === 0) pieces.push({ chunk: { index, delta: {} }, completion: 0, reasoning: 0 });
  const first = pieces[0];
  const last = pieces[pieces.length - 1];
  if (first?.chunk.delta) first.chunk.delta.role = MessageRole.ROLE_ASSISTANT;
  if (last) last.chunk.finishReason = output.finishReason || FinishReason.REASON_STOP;
  return pieces;
}

/**
 * Splits a finished response into the chunks a stream sends, with the API's accumulation rules:
 * per output index, text deltas concatenate to the output's text and tool calls append (each whole,
 * in one chunk); the role comes on an index's first chunk, the finish reason on its last; outputs
 * of different indexes interleave; `usage` is cumulative and equals the response's on the last
 * chunk, which also carries the citations.
 */
export function splitIntoChunks(
  response: GetChatCompletionResponse,
  model: LanguageModel,
  tokenizer: Tokenizer,
): GetChatCompletionChunk[] {
  const perIndex = response.outputs.map((o) => piecesOf(o, tokenizer));
  const order: Piece[] = [];
  const longest = Math.max(0, ...perIndex.map((p) => p.length));
  for (let step = 0; step < longest; step++) {
    for (const pieces of perIndex) {
      const piece = pieces[step];
      if (piece) order.push(piece);
    }
  }
  const usage = response.usage;
  const promptText = usage?.promptTextTokens ?? 0;
  const promptImage = usage?.promptImageTokens ?? 0;
  let completion = 0;
  let reasoning = 0;
  return order.map((piece, i) => {
    completion += piece.completion;
    reasoning += piece.reasoning;
    const isLast = i === order.length - 1;
    return create(GetChatCompletionChunkSchema, {
      id: response.id,
      created: response.created,
      model: response.model,
      systemFingerprint: response.systemFingerprint,
      serviceTier: response.serviceTier,
      outputs: [piece.chunk],
      usage: isLast ? usage : samplingUsage(model, { promptText, promptImage, completion, reasoning }),
      citations: isLast ? response.citations : [],
      outputFiles: isLast ? response.outputFiles : [],
    });
  });
}
