type Json = Record<string, unknown>;

const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
const str = (v: unknown): string => (typeof v === "string" ? v : v === undefined ? "" : String(v));

/** One line about usage: `12 prompt + 34 completion tokens (5 reasoning)`. */
export function usageLine(usage: Json | undefined): string | undefined {
  if (!usage) return undefined;
  const prompt = Number(usage.prompt_tokens ?? 0);
  const completion = Number(usage.completion_tokens ?? 0);
  const reasoning = Number(usage.reasoning_tokens ?? 0);
  return `${prompt} prompt + ${completion} completion tokens${reasoning ? ` (+${reasoning} reasoning)` : ""}`;
}

/** The text of one assistant message: its content, then one line per tool call. */
export function messageText(message: Json | undefined): string {
  if (!message) return "";
  const parts: string[] = [];
  const content = str(message.content);
  if (content) parts.push(content);
  for (const call of arr(message.tool_calls)) {
    const fn = call.function as Json | undefined;
    parts.push(`[tool call ${str(call.id)}] ${str(fn?.name)}(${str(fn?.arguments)})`);
  }
  if (!content && message.reasoning_content) parts.push("(no answer text; see reasoning_content)");
  return parts.join("\n");
}

/**
 * A chat completion for the agent: the assistant's text (each output labelled when there are
 * several), then one line of id, model, usage and finish reason.
 */
export function renderChatCompletion(response: Json): string {
  const outputs = arr(response.outputs);
  const blocks = outputs.map((o) => {
    const text = messageText(o.message as Json | undefined);
    return outputs.length > 1 ? `[output ${Number(o.index ?? 0)}]\n${text}` : text;
  });
  const finish = [...new Set(outputs.map((o) => str(o.finish_reason)).filter(Boolean))].join(", ");
  const facts = [
    `model ${str(response.model)}`,
    usageLine(response.usage as Json | undefined),
    finish && `finish ${finish}`,
    response.id && `id ${str(response.id)}`,
  ].filter(Boolean);
  return `${blocks.join("\n\n")}\n\n— ${facts.join(" · ")}`;
}
