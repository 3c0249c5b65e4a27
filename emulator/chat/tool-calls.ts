import { create } from "@bufbuild/protobuf";
import {
  type GetCompletionsRequest,
  type Message,
  MessageRole,
  type ToolCall,
  ToolCallSchema,
  ToolCallStatus,
  ToolCallType,
  ToolMode,
} from "../../gen/xai/api/v1/chat_pb.js";
import { hashParts } from "../text/hash.js";
import { lastOfRole, messageText } from "./conversation.js";
import { type SampleHints, sampleJson } from "./json-schema-sample.js";
import type { DeclaredFunction } from "./request-validation.js";

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Declared functions the text names as whole words, in the order they appear in the text. */
export function functionsNamedIn(text: string, functions: readonly DeclaredFunction[]): DeclaredFunction[] {
  const hits: { f: DeclaredFunction; at: number }[] = [];
  for (const f of functions) {
    const at = text.search(new RegExp(`(?<![A-Za-z0-9_.-])${escapeRegExp(f.name)}(?![A-Za-z0-9_-])`, "i"));
    if (at >= 0) hits.push({ f, at });
  }
  return hits.sort((a, b) => a.at - b.at).map((h) => h.f);
}

/**
 * Which functions the model calls on this turn, if any:
 * - never with `TOOL_MODE_NONE`, or when the conversation ends with a tool result (the emulator
 *   stands for a model that has what it needs once the result is in, so a client that keeps its
 *   tool_choice across turns still gets its text answer);
 * - the named function with `tool_choice.function_name`;
 * - with `TOOL_MODE_REQUIRED`, the functions the last user message names, else the first declared;
 * - otherwise (auto), the functions the last user message names, if any.
 * Several named functions are all called unless `parallel_tool_calls` is false.
 */
export function chooseFunctions(
  request: GetCompletionsRequest,
  messages: readonly Message[],
  functions: readonly DeclaredFunction[],
): DeclaredFunction[] {
  if (functions.length === 0) return [];
  const choice = request.toolChoice?.toolChoice;
  if (choice?.case === "mode" && choice.value === ToolMode.NONE) return [];
  const final = messages[messages.length - 1];
  if (final && (final.role === MessageRole.ROLE_TOOL || final.role === MessageRole.ROLE_FUNCTION)) return [];
  if (choice?.case === "functionName") return functions.filter((f) => f.name === choice.value);
  const lastUser = lastOfRole(messages, MessageRole.ROLE_USER);
  const named = lastUser ? functionsNamedIn(messageText(lastUser), functions) : [];
  const chosen =
    named.length > 0
      ? named
      : choice?.case === "mode" && choice.value === ToolMode.REQUIRED
        ? functions.slice(0, 1)
        : [];
  return request.parallelToolCalls === false ? chosen.slice(0, 1) : chosen;
}

/**
 * Arguments for a call of `f`: a JSON value valid against its parameters schema, with free-form
 * strings filled from the conversation.
 */
export function argumentsFor(f: DeclaredFunction, hints: SampleHints): string {
  return JSON.stringify(sampleJson(f.parameters, hints));
}

/** A completed client-side tool call of `f`, with a deterministic id (`call_` and 16 hex digits). */
export function toolCallFor(
  f: DeclaredFunction,
  args: string,
  idParts: readonly (string | number)[],
): ToolCall {
  const hex = (salt: number) =>
    hashParts("tool-call", ...idParts, f.name, salt)
      .toString(16)
      .padStart(8, "0");
  return create(ToolCallSchema, {
    id: `call_${hex(1)}${hex(2)}`,
    type: ToolCallType.CLIENT_SIDE_TOOL,
    status: ToolCallStatus.COMPLETED,
    tool: { case: "function", value: { name: f.name, arguments: args } },
  });
}
