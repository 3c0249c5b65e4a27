import type { DescEnum } from "@bufbuild/protobuf";
import {
  type CompletionMessage,
  type CompletionOutput,
  type GetChatCompletionResponse,
  MessageRole,
  type ToolCall,
  ToolCallStatusSchema,
  ToolCallTypeSchema,
} from "../../../gen/xai/api/v1/chat_pb.js";
import { FinishReasonSchema } from "../../../gen/xai/api/v1/sample_pb.js";
import { type SamplingUsage, ServerSideToolSchema } from "../../../gen/xai/api/v1/usage_pb.js";

/** What each server-side `ToolCallType` and `ServerSideTool` is called in a request's `tools`. */
const SERVER_TOOLS: Readonly<Record<string, string>> = {
  WEB_SEARCH: "web_search",
  X_SEARCH: "x_search",
  CODE_EXECUTION: "code_execution",
  COLLECTIONS_SEARCH: "collections_search",
  MCP: "mcp",
  ATTACHMENT_SEARCH: "attachment_search",
  IMAGE_GENERATION: "image_generation",
  VIEW_IMAGE: "view_image",
  VIEW_X_VIDEO: "view_x_video",
  IMAGE_SEARCH: "image_search",
};

/** An enum value's proto name; "" for the zero value (unset, as the JSON mapping leaves it out). */
function nameOf(schema: DescEnum, value: number): string {
  if (value === 0) return "";
  return schema.values.find((v) => v.number === value)?.name ?? String(value);
}

/** The request-side name of a server-side call's type (`TOOL_CALL_TYPE_WEB_SEARCH_TOOL` → web_search). */
function serverToolOf(call: ToolCall): string | undefined {
  const t = nameOf(ToolCallTypeSchema, call.type);
  if (!t.startsWith("TOOL_CALL_TYPE_") || t === "TOOL_CALL_TYPE_CLIENT_SIDE_TOOL") return undefined;
  const key = t.slice("TOOL_CALL_TYPE_".length).replace(/_TOOL$/, "");
  return SERVER_TOOLS[key] ?? key.toLowerCase();
}

/** `in progress`, `completed`, … (an unset status is IN_PROGRESS, the enum's zero). */
function statusOf(call: ToolCall): string {
  const s = nameOf(ToolCallStatusSchema, call.status) || "TOOL_CALL_STATUS_IN_PROGRESS";
  return s
    .replace(/^TOOL_CALL_STATUS_/, "")
    .replace(/_/g, " ")
    .toLowerCase();
}

const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The function a tool call names, when it names one. */
const functionOf = (call: ToolCall) => (call.tool.case === "function" ? call.tool.value : undefined);

/**
 * One compact line for a server-side tool call: tool, function name when it differs (an MCP
 * tool, `x_keyword_search`…), arguments, status and any error. Undefined for a client-side call.
 */
export function serverCallLine(call: ToolCall): string | undefined {
  const tool = serverToolOf(call);
  if (!tool) return undefined;
  const fn = functionOf(call);
  const name = fn?.name ?? "";
  const error = call.errorMessage ?? "";
  return [
    `[${tool}]`,
    name && name !== tool ? name : "",
    cut(fn?.arguments ?? "", 200),
    `· ${statusOf(call)}${error ? `: ${cut(error, 200)}` : ""}`,
  ]
    .filter(Boolean)
    .join(" ");
}

/** One line about usage: `12 prompt + 34 completion tokens (5 reasoning)`, and server-side tool use. */
export function usageLine(usage: SamplingUsage | undefined): string | undefined {
  if (!usage) return undefined;
  const { promptTokens: prompt, completionTokens: completion, reasoningTokens: reasoning } = usage;
  const tokens = `${prompt} prompt + ${completion} completion tokens${reasoning ? ` (+${reasoning} reasoning)` : ""}`;
  const counts = new Map<string, number>();
  for (const t of usage.serverSideToolsUsed) {
    // Listed values keep their names, the zero value included.
    const key = (ServerSideToolSchema.values.find((v) => v.number === t)?.name ?? String(t)).replace(
      /^SERVER_SIDE_TOOL_/,
      "",
    );
    const name = SERVER_TOOLS[key] ?? key.toLowerCase();
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  if (counts.size === 0) return tokens;
  const tools = [...counts].map(([name, n]) => `${name} ×${n}`).join(", ");
  const sources = usage.numSourcesUsed;
  return `${tokens} · server-side tools: ${tools}${sources ? ` · ${sources} sources` : ""}`;
}

/** The text of one assistant message: its content, then one line per client-side tool call. */
export function messageText(message: CompletionMessage | undefined): string {
  if (!message) return "";
  const parts: string[] = [];
  const content = message.content;
  if (content) parts.push(content);
  for (const call of message.toolCalls) {
    if (serverToolOf(call)) continue;
    const fn = functionOf(call);
    parts.push(`[tool call ${call.id}] ${fn?.name ?? ""}(${fn?.arguments ?? ""})`);
  }
  if (!content && message.reasoningContent) parts.push("(no answer text; see reasoning_content)");
  return parts.join("\n");
}

const isTool = (o: CompletionOutput): boolean => o.message?.role === MessageRole.ROLE_TOOL;

/**
 * The outputs of a response grouped by index, in order. An agentic answer has several outputs per
 * index: a round of server-side calls each, tool outputs (ROLE_TOOL, under the include options),
 * then the answer.
 */
export function outputsByIndex(response: GetChatCompletionResponse): Map<number, CompletionOutput[]> {
  const byIndex = new Map<number, CompletionOutput[]>();
  for (const o of response.outputs) byIndex.set(o.index, [...(byIndex.get(o.index) ?? []), o]);
  return byIndex;
}

/** The answer of one index: its last assistant output (after any server-side trace). */
export function answerOutput(outputs: readonly CompletionOutput[]): CompletionOutput | undefined {
  return outputs.filter((o) => !isTool(o)).at(-1);
}

/**
 * What one index of a response says: one line per server-side call (the trace, in order), then
 * the answer text and any client-side calls.
 */
function indexText(outputs: readonly CompletionOutput[]): string {
  const trace = outputs
    .filter((o) => !isTool(o))
    .flatMap((o) => o.message?.toolCalls ?? [])
    .flatMap((call) => serverCallLine(call) ?? []);
  const answer = messageText(answerOutput(outputs)?.message);
  return [...trace, answer].filter(Boolean).join("\n");
}

/**
 * A chat completion for the agent: per output, the server-side calls Grok made (one line each),
 * then the assistant's text (each output labelled when there are several); then the citations as
 * a numbered list; then one line of id, model, usage and finish reason.
 */
export function renderChatCompletion(response: GetChatCompletionResponse): string {
  const byIndex = outputsByIndex(response);
  const blocks = [...byIndex].map(([index, outputs]) => {
    const text = indexText(outputs);
    return byIndex.size > 1 ? `[output ${index}]\n${text}` : text;
  });
  const finishes = [...byIndex.values()].map((outputs) =>
    nameOf(FinishReasonSchema, outputs.at(-1)?.finishReason ?? 0),
  );
  const finish = [...new Set(finishes.filter(Boolean))].join(", ");
  const citations = response.citations.filter(Boolean);
  if (citations.length > 0)
    blocks.push(`Citations:\n${citations.map((c, i) => `${i + 1}. ${c}`).join("\n")}`);
  const files = response.outputFiles;
  if (files.length > 0) {
    blocks.push(`Output files: ${files.map((f) => `${f.name} (${f.fileId})`).join(", ")}`);
  }
  const facts = [
    `model ${response.model}`,
    usageLine(response.usage),
    finish && `finish ${finish}`,
    response.id && `id ${response.id}`,
  ].filter(Boolean);
  return `${blocks.join("\n\n")}\n\n— ${facts.join(" · ")}`;
}
