import {
  DEFAULT_CHAT_MODEL,
  optional,
  PromptArgumentError,
  type PromptSpec,
  toolCallPrompt,
} from "./prompt-spec.js";

/** `ask_grok`: one question to Grok through `chat_get_completion`, the answer shown as it is. */
export const askGrok: PromptSpec = {
  name: "ask_grok",
  title: "Ask Grok",
  description: "Ask Grok a question and show its answer.",
  tool: "chat_get_completion",
  arguments: [
    { name: "question", description: "What to ask Grok.", required: true },
    {
      name: "model",
      description: `The Grok model to ask (default ${DEFAULT_CHAT_MODEL}); completes from the model catalog.`,
      complete: "language-model",
    },
    {
      name: "reasoning_effort",
      description:
        "How hard a reasoning model thinks, e.g. low, medium, high (only reasoning models take it).",
      complete: "reasoning-effort",
    },
  ],
  messages(args, enums) {
    const question = args.question ?? "";
    const model = optional(args, "model") ?? DEFAULT_CHAT_MODEL;
    const effortWord = optional(args, "reasoning_effort");
    const effort = effortWord === undefined ? undefined : enums.reasoningEffort(effortWord);
    if (effortWord !== undefined && effort === undefined) {
      throw new PromptArgumentError(
        "reasoning_effort",
        `"${effortWord}" is not a reasoning effort; use one of ${enums.reasoningEfforts.join(", ")}`,
      );
    }
    const toolArgs = {
      model,
      messages: [{ role: "ROLE_USER", content: [{ text: question }] }],
      ...(effort !== undefined ? { reasoning_effort: effort } : {}),
    };
    return toolCallPrompt(
      `Ask ${model}: ${question}`,
      this.tool,
      toolArgs,
      undefined,
      "Then show Grok's answer to me as it is, and say which model answered.",
    );
  },
};
