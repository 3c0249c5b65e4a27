import { clone, create } from "@bufbuild/protobuf";
import {
  type CompletionOutput,
  CompletionOutputSchema,
  type GetChatCompletionChunk,
  type GetChatCompletionResponse,
  GetChatCompletionResponseSchema,
  LogProbsSchema,
  MessageRole,
  type ToolCall,
  ToolCallStatus,
  ToolCallType,
} from "../../../gen/xai/api/v1/chat_pb.js";
import type { StreamAccumulator, TextDelta } from "./stream-accumulator.js";

/** A readable name for a server-side tool call's type, as progress and results show it. */
export const SERVER_TOOL_NAMES: Readonly<Partial<Record<ToolCallType, string>>> = {
  [ToolCallType.WEB_SEARCH_TOOL]: "web_search",
  [ToolCallType.X_SEARCH_TOOL]: "x_search",
  [ToolCallType.CODE_EXECUTION_TOOL]: "code_execution",
  [ToolCallType.COLLECTIONS_SEARCH_TOOL]: "collections_search",
  [ToolCallType.MCP_TOOL]: "mcp",
  [ToolCallType.ATTACHMENT_SEARCH_TOOL]: "attachment_search",
  [ToolCallType.IMAGE_GENERATION_TOOL]: "image_generation",
};

const STATUS_NAMES: Readonly<Record<number, string>> = {
  [ToolCallStatus.IN_PROGRESS]: "in progress",
  [ToolCallStatus.COMPLETED]: "completed",
  [ToolCallStatus.INCOMPLETE]: "incomplete",
  [ToolCallStatus.FAILED]: "failed",
};

/** One line about a server-side call: `web_search: {"query":"…"} (completed)`. */
export function toolActivity(call: ToolCall): string | undefined {
  const tool = SERVER_TOOL_NAMES[call.type];
  if (!tool) return undefined;
  const fn = call.tool.case === "function" ? call.tool.value : undefined;
  const name = fn && fn.name !== tool ? ` ${fn.name}` : "";
  const args = fn?.arguments
    ? ` ${fn.arguments.length > 160 ? `${fn.arguments.slice(0, 159)}…` : fn.arguments}`
    : "";
  const error = call.errorMessage ? `: ${call.errorMessage}` : "";
  return `${tool}:${name}${args} (${STATUS_NAMES[call.status] ?? "unknown status"}${error})`;
}

/**
 * Accumulates a `Chat.GetCompletionChunk` stream into a `GetChatCompletionResponse`, with the xAI
 * SDK's rules: per output index, `content`, `reasoning_content` and `encrypted_content` concatenate,
 * `tool_calls`, inline `citations` and log probabilities append, and `role` and `finish_reason`
 * take the last value sent (chunks that leave them unset do not erase them). `usage` is cumulative,
 * so the last chunk's is the total; `citations` and `output_files` come on the last chunk. Outputs
 * of different indexes (`n` > 1) stay apart and are returned in index order, as the unary call
 * returns them.
 *
 * An agentic answer gives one index several outputs (each round of server-side calls, each
 * included tool output, then the answer): a chunk of an index whose current output already has
 * its finish reason, or that brings another role, starts the next output of that index, so the
 * aggregate has the outputs the unary call returns. A tool call sent again with the same id (verbose
 * streaming sends a server-side call in progress, then finished) replaces the earlier one. Only
 * assistant text is answer text; a server-side call comes back as an `activity` line.
 */
export class ChatAccumulator
  implements StreamAccumulator<GetChatCompletionChunk, typeof GetChatCompletionResponseSchema>
{
  readonly schema = GetChatCompletionResponseSchema;
  readonly #response: GetChatCompletionResponse = create(GetChatCompletionResponseSchema);
  readonly #outputs = new Map<number, CompletionOutput[]>();
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
      const delta = piece.delta;
      const body =
        piece.logprobs !== undefined ||
        (delta !== undefined &&
          (delta.content !== "" ||
            delta.reasoningContent !== "" ||
            delta.encryptedContent !== "" ||
            delta.toolCalls.length > 0 ||
            delta.citations.length > 0));
      const output = this.#output(piece.index, delta?.role ?? MessageRole.INVALID_ROLE, body);
      const message = output.message;
      const activity: string[] = [];
      if (delta && message) {
        message.content += delta.content;
        message.reasoningContent += delta.reasoningContent;
        message.encryptedContent += delta.encryptedContent;
        if (delta.role) message.role = delta.role;
        for (const call of delta.toolCalls) {
          const known = call.id ? message.toolCalls.findIndex((c) => c.id === call.id) : -1;
          if (known >= 0) message.toolCalls[known] = call;
          else message.toolCalls.push(call);
          const line = toolActivity(call);
          if (line) activity.push(line);
        }
        message.citations.push(...delta.citations);
      }
      if (piece.logprobs) {
        output.logprobs ??= create(LogProbsSchema);
        output.logprobs.content.push(...piece.logprobs.content);
      }
      if (piece.finishReason) output.finishReason = piece.finishReason;
      const answer = message?.role !== MessageRole.ROLE_TOOL;
      deltas.push({
        index: piece.index,
        text: answer ? (delta?.content ?? "") : "",
        ...(activity.length > 0 ? { activity } : {}),
      });
    }
    return deltas;
  }

  result(): GetChatCompletionResponse {
    // A copy: the caller may keep it while more chunks arrive.
    const response = clone(GetChatCompletionResponseSchema, this.#response);
    response.outputs = [...this.#outputs.entries()]
      .sort(([a], [b]) => a - b)
      .flatMap(([, outputs]) => outputs.map((o) => clone(CompletionOutputSchema, o)));
    return response;
  }

  /**
   * The output of `index` a piece with `role` adds to: the current one, or the next. A piece with
   * nothing to add (`body` false: a repeated finish reason, an empty delta) never starts one.
   */
  #output(index: number, role: MessageRole, body: boolean): CompletionOutput {
    let outputs = this.#outputs.get(index);
    if (!outputs) {
      outputs = [];
      this.#outputs.set(index, outputs);
    }
    const current = outputs[outputs.length - 1];
    const switches =
      current !== undefined &&
      body &&
      (current.finishReason !== 0 ||
        (role !== MessageRole.INVALID_ROLE &&
          current.message?.role !== undefined &&
          current.message.role !== 0 &&
          current.message.role !== role));
    if (current && !switches) return current;
    const output = create(CompletionOutputSchema, { index, message: {} });
    outputs.push(output);
    return output;
  }
}
