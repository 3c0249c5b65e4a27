import { askGrok } from "./ask-grok.js";
import { grokImage } from "./grok-image.js";
import { grokSearch } from "./grok-search.js";
import { grokSecondOpinion } from "./grok-second-opinion.js";
import type { PromptSpec } from "./prompt-spec.js";

/** Every prompt, in listing order. */
export const PROMPTS: readonly PromptSpec[] = [askGrok, grokSearch, grokSecondOpinion, grokImage];

/** The prompts whose tool is listed: the tool selection hides the others. */
export function visiblePrompts(toolNames: ReadonlySet<string>): PromptSpec[] {
  return PROMPTS.filter((p) => toolNames.has(p.tool));
}

/** The listed prompt of that name, or undefined (unknown, or hidden by the tool selection). */
export function visiblePrompt(toolNames: ReadonlySet<string>, name: string): PromptSpec | undefined {
  return visiblePrompts(toolNames).find((p) => p.name === name);
}
