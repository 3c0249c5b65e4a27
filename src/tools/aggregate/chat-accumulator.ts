import { clone, create } from "@bufbuild/protobuf";
import {
  type CompletionOutput,
  CompletionOutputSchema,
  type GetChatCompletionChunk,
  type GetChatCompletionResponse,
  GetChatCompletionResponseSchema,
  LogProbsSchema,
} from "../../../gen/xai/api/v1/chat_pb.js";
import type { StreamAccumulator, TextDelta } from "./stream-accumulator.js";

/**
 * Accumulates a `Chat.GetCompletionChunk` stream into a `GetChatCompletionResponse`, with the xAI
 * SDK's rules: per output index, `content`, `reasoning_content` and `encrypted_content` concatenate,
 * `tool_calls`, inline `citations` and log probabilities append, and `role` and `finish_reason`
 * take the last value sent (chunks that leave them unset do not erase them). `usage` is cumulative,
 * so the last chunk's is the total; `citations` and `output_files` come on the last chunk. Outputs
 * of different indexes (`n` > 1, agentic streams) stay apart and are returned in index order, as
 * the unary call returns them.
 */
export class ChatAccumulator
  implements StreamAccumulator<GetChatCompletionChunk, typeof GetChatCompletionResponseSchema>
{
  readonly schema = GetChatCompletionResponseSchema;
  readonly #response: GetChatCompletionResponse = create(GetChatCompletionResponseSchema);
  readonly #outputs = new Map<number, CompletionOutput>();
  #chunks = 0;

  get chunks(): number {
    return this.#chunks;
  }

  add(chunk: GetChatCompletionChunk): TextDelta[] {
    this.#chunks += 1;
    const r = this.#response;
    // Header fields repeat on every chunk; keep the latest value that is set.
    if (chunk.id) r.id = chunk.id;
    if (chunk.created) r.created = chunk.created;
    if (chunk.model) r.model = chunk.model;
    if (chunk.systemFingerprint) r.systemFingerprint = chunk.systemFingerprint;
    if (chunk.serviceTier) r.serviceTier = chunk.serviceTier;
    if (chunk.debugOutput) r.debugOutput = chunk.debugOutput;
    // Usage is cumulative, so the latest is the total so far.
    if (chunk.usage) r.usage = chunk.usage;
    // Sent whole on the last chunk: replace rather than append, so a repeat cannot double them.
    if (chunk.citations.length > 0) r.citations = [...chunk.citations];
    if (chunk.outputFiles.length > 0) r.outputFiles = [...chunk.outputFiles];

    const deltas: TextDelta[] = [];
    for (const piece of chunk.outputs) {
      const output = this.#output(piece.index);
      const message = output.message;
      const delta = piece.delta;
      if (delta && message) {
        message.content += delta.content;
        message.reasoningContent += delta.reasoningContent;
        message.encryptedContent += delta.encryptedContent;
        if (delta.role) message.role = delta.role;
        message.toolCalls.push(...delta.toolCalls);
        message.citations.push(...delta.citations);
      }
      if (piece.logprobs) {
        output.logprobs ??= create(LogProbsSchema);
        output.logprobs.content.push(...piece.logprobs.content);
      }
      if (piece.finishReason) output.finishReason = piece.finishReason;
      deltas.push({ index: piece.index, text: delta?.content ?? "" });
    }
    return deltas;
  }

  result(): GetChatCompletionResponse {
    // A copy: the caller may keep it while more chunks arrive.
    const response = clone(GetChatCompletionResponseSchema, this.#response);
    response.outputs = [...this.#outputs.values()]
      .sort((a, b) => a.index - b.index)
      .map((o) => clone(CompletionOutputSchema, o));
    return response;
  }

  #output(index: number): CompletionOutput {
    let output = this.#outputs.get(index);
    if (!output) {
      output = create(CompletionOutputSchema, { index, message: {} });
      this.#outputs.set(index, output);
    }
    return output;
  }
}
