export { PROMPTS, visiblePrompt, visiblePrompts } from "./prompt-catalog.js";
export type { CompletionSource, PromptArgumentSpec, PromptEnums, PromptSpec } from "./prompt-spec.js";
export { registerPrompts } from "./register-prompts.js";
