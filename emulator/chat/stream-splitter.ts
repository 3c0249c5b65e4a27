import { clone, create, type MessageInitShape } from "@bufbuild/protobuf";
import {
  type CompletionOutput,
  type CompletionOutputChunkSchema,
  type GetChatCompletionChunk,
  GetChatCompletionChunkSchema,
  type GetChatCompletionResponse,
  MessageRole,
  ToolCallSchema,
  ToolCallStatus,
  ToolCallType,
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

function piecesOf(output: CompletionOutput, tokenizer: Tokenizer, verbose: boolean): Piece[] {
  const message = output.message;
  const pieces: Piece[] = [];
  const index = output.index;
  // Text a tool output carries is what a server-side tool returned, not generated tokens.
  const generated = message?.role !== MessageRole.ROLE_TOOL;
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
        completion: generated ? g.tokens : 0,
        reasoning: 0,
      });
    }
    // Inline citations come with the last piece of the text they point into.
    const lastText = pieces.at(-1);
    if (message.citations.length > 0 && lastText?.chunk.delta)
      lastText.chunk.delta.citations = message.citations;
    // A tool call is never split: clients append whole calls.
    for (const call of message.toolCalls) {
      // Verbose streaming announces a server-side call while it runs, then sends it finished.
      if (verbose && call.type !== ToolCallType.CLIENT_SIDE_TOOL) {
        const running = clone(ToolCallSchema, call);
        running.status = ToolCallStatus.IN_PROGRESS;
        running.errorMessage = undefined;
        pieces.push({ chunk: { index, delta: { toolCalls: [running] } }, completion: 0, reasoning: 0 });
      }
      pieces.push({
        chunk: { index, delta: { toolCalls: [call] } },
        completion: toolCallTokens(call, tokenizer),
        reasoning: 0,
      });
    }
  }
  // An output with nothing to say (cut by a stop sequence at its very start) still streams once.
  if (pieces.length === 0) pieces.push({ chunk: { index, delta: {} }, completion: 0, reasoning: 0 });
  // Every piece names its role, as the API sends it: clients take the role of each chunk.
  const role = message?.role || MessageRole.ROLE_ASSISTANT;
  for (const p of pieces) if (p.chunk.delta) p.chunk.delta.role = role;
  return pieces;
}

/**
 * The pieces of one output index: those of each of its outputs in order (an agentic answer has
 * several: its server-side trace, included tool outputs, then the answer), each output's finish
 * reason on its last piece, which tells a client that the next piece of the index starts a new
 * output.
 */
function piecesOfIndex(
  outputs: readonly CompletionOutput[],
  tokenizer: Tokenizer,
  verbose: boolean,
): Piece[] {
  return outputs.flatMap((o) => {
    const pieces = piecesOf(o, tokenizer, verbose);
    const last = pieces[pieces.length - 1];
    if (last) last.chunk.finishReason = o.finishReason || FinishReason.REASON_STOP;
    return pieces;
  });
}

/**
 * Splits a finished response into the chunks a stream sends, with the API's accumulation rules:
 * per output index, text deltas concatenate to the output's text and tool calls append (each whole,
 * in one chunk); every chunk carries its output's index and role (`ROLE_TOOL` for a server-side
 * tool's included output, which clients keep apart from the answer), the finish reason comes on the
 * last chunk of each output (once per index, unless an agentic trace gives the index several); outputs of different indexes interleave; with `verbose` (verbose streaming)
 * each server-side call is first sent `IN_PROGRESS`, then again, with the same id, finished; `usage` is cumulative and equals the response's on the last
 * chunk, which also carries the citations.
 */
export function splitIntoChunks(
  response: GetChatCompletionResponse,
  model: LanguageModel,
  tokenizer: Tokenizer,
  verbose = false,
): GetChatCompletionChunk[] {
  const byIndex = new Map<number, CompletionOutput[]>();
  for (const o of response.outputs) byIndex.set(o.index, [...(byIndex.get(o.index) ?? []), o]);
  const perIndex = [...byIndex.values()].map((outputs) => piecesOfIndex(outputs, tokenizer, verbose));
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
