import { usageLine } from "./chat.js";

type Json = Record<string, unknown>;

const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
const str = (v: unknown): string => (typeof v === "string" ? v : v === undefined ? "" : String(v));

/**
 * Sampled text for the agent: each choice's text (labelled when there are several), then one line
 * of model, usage and finish reason.
 */
export function renderSampleText(response: Json): string {
  const choices = arr(response.choices);
  const blocks = choices.map((c) =>
    choices.length > 1 ? `[choice ${Number(c.index ?? 0)}]\n${str(c.text)}` : str(c.text),
  );
  const finish = [...new Set(choices.map((c) => str(c.finish_reason)).filter(Boolean))].join(", ");
  const facts = [
    `model ${str(response.model)}`,
    usageLine(response.usage as Json | undefined),
    finish && `finish ${finish}`,
  ].filter(Boolean);
  return `${blocks.join("\n\n")}\n\n— ${facts.join(" · ")}`;
}
