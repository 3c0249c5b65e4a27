type Json = Record<string, unknown>;

const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
const str = (v: unknown): string => (typeof v === "string" ? v : v === undefined ? "" : String(v));

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

/** The request-side name of a server-side call's type (`TOOL_CALL_TYPE_WEB_SEARCH_TOOL` → web_search). */
function serverToolOf(type: unknown): string | undefined {
  const t = str(type);
  if (!t.startsWith("TOOL_CALL_TYPE_") || t === "TOOL_CALL_TYPE_CLIENT_SIDE_TOOL") return undefined;
  const key = t.slice("TOOL_CALL_TYPE_".length).replace(/_TOOL$/, "");
  return SERVER_TOOLS[key] ?? key.toLowerCase();
}

/** `in progress`, `completed`, … (an unset status is IN_PROGRESS, the enum's zero). */
function statusOf(status: unknown): string {
  const s = str(status) || "TOOL_CALL_STATUS_IN_PROGRESS";
  return s
    .replace(/^TOOL_CALL_STATUS_/, "")
    .replace(/_/g, " ")
    .toLowerCase();
}

const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * One compact line for a server-side tool call: tool, function name when it differs (an MCP
 * tool, `x_keyword_search`…), arguments, status and any error. Undefined for a client-side call.
 */
export function serverCallLine(call: Json): string | undefined {
  const tool = serverToolOf(call.type);
  if (!tool) return undefined;
  const fn = call.function as Json | undefined;
  const name = str(fn?.name);
  const error = str(call.error_message);
  return [
    `[${tool}]`,
    name && name !== tool ? name : "",
    cut(str(fn?.arguments), 200),
    `· ${statusOf(call.status)}${error ? `: ${cut(error, 200)}` : ""}`,
  ]
    .filter(Boolean)
    .join(" ");
}

/** One line about usage: `12 prompt + 34 completion tokens (5 reasoning)`, and server-side tool use. */
export function usageLine(usage: Json | undefined): string | undefined {
  if (!usage) return undefined;
  const prompt = Number(usage.prompt_tokens ?? 0);
  const completion = Number(usage.completion_tokens ?? 0);
  const reasoning = Number(usage.reasoning_tokens ?? 0);
  const tokens = `${prompt} prompt + ${completion} completion tokens${reasoning ? ` (+${reasoning} reasoning)` : ""}`;
  const counts = new Map<string, number>();
  for (const t of Array.isArray(usage.server_side_tools_used) ? usage.server_side_tools_used : []) {
    const key = str(t).replace(/^SERVER_SIDE_TOOL_/, "");
    const name = SERVER_TOOLS[key] ?? key.toLowerCase();
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  if (counts.size === 0) return tokens;
  const tools = [...counts].map(([name, n]) => `${name} ×${n}`).join(", ");
  const sources = Number(usage.num_sources_used ?? 0);
  return `${tokens} · server-side tools: ${tools}${sources ? ` · ${sources} sources` : ""}`;
}

/** The text of one assistant message: its content, then one line per client-side tool call. */
export function messageText(message: Json | undefined): string {
  if (!message) return "";
  const parts: string[] = [];
  const content = str(message.content);
  if (content) parts.push(content);
  for (const call of arr(message.tool_calls)) {
    if (serverToolOf(call.type)) continue;
    const fn = call.function as Json | undefined;
    parts.push(`[tool call ${str(call.id)}] ${str(fn?.name)}(${str(fn?.arguments)})`);
  }
  if (!content && message.reasoning_content) parts.push("(no answer text; see reasoning_content)");
  return parts.join("\n");
}

const isTool = (o: Json): boolean => str((o.message as Json | undefined)?.role) === "ROLE_TOOL";

/**
 * The outputs of a response grouped by index, in order. An agentic answer has several outputs per
 * index: a round of server-side calls each, tool outputs (ROLE_TOOL, under the include options),
 * then the answer.
 */
export function outputsByIndex(response: Json): Map<number, Json[]> {
  const byIndex = new Map<number, Json[]>();
  for (const o of arr(response.outputs)) {
    const index = Number(o.index ?? 0);
    byIndex.set(index, [...(byIndex.get(index) ?? []), o]);
  }
  return byIndex;
}

/** The answer of one index: its last assistant output (after any server-side trace). */
export function answerOutput(outputs: readonly Json[]): Json | undefined {
  return outputs.filter((o) => !isTool(o)).at(-1);
}

/**
 * What one index of a response says: one line per server-side call (the trace, in order), then
 * the answer text and any client-side calls.
 */
function indexText(outputs: readonly Json[]): string {
  const trace = outputs
    .filter((o) => !isTool(o))
    .flatMap((o) => arr((o.message as Json | undefined)?.tool_calls))
    .flatMap((call) => serverCallLine(call) ?? []);
  const answer = messageText(answerOutput(outputs)?.message as Json | undefined);
  return [...trace, answer].filter(Boolean).join("\n");
}

/**
 * A chat completion for the agent: per output, the server-side calls Grok made (one line each),
 * then the assistant's text (each output labelled when there are several); then the citations as
 * a numbered list; then one line of id, model, usage and finish reason.
 */
export function renderChatCompletion(response: Json): string {
  const byIndex = outputsByIndex(response);
  const blocks = [...byIndex].map(([index, outputs]) => {
    const text = indexText(outputs);
    return byIndex.size > 1 ? `[output ${index}]\n${text}` : text;
  });
  const finishes = [...byIndex.values()].map((outputs) => str(outputs.at(-1)?.finish_reason));
  const finish = [...new Set(finishes.filter(Boolean))].join(", ");
  const citations = arr(response.citations).map(str).filter(Boolean);
  if (citations.length > 0)
    blocks.push(`Citations:\n${citations.map((c, i) => `${i + 1}. ${c}`).join("\n")}`);
  const files = arr(response.output_files);
  if (files.length > 0) {
    blocks.push(`Output files: ${files.map((f) => `${str(f.name)} (${str(f.file_id)})`).join(", ")}`);
  }
  const facts = [
    `model ${str(response.model)}`,
    usageLine(response.usage as Json | undefined),
    finish && `finish ${finish}`,
    response.id && `id ${str(response.id)}`,
  ].filter(Boolean);
  return `${blocks.join("\n\n")}\n\n— ${facts.join(" · ")}`;
}
