import { DEFAULT_CHAT_MODEL, optional, type PromptSpec, toolCallPrompt } from "./prompt-spec.js";

const DEFAULT_QUESTION =
  "Review this critically: what is wrong or risky, what is missing, and what would you do differently?";

/** `grok_second_opinion`: Grok reviews code, a plan or a draft; shown beside the client model's view. */
export const grokSecondOpinion: PromptSpec = {
  name: "grok_second_opinion",
  title: "Second opinion from Grok",
  description:
    "Get Grok's independent review of code, a plan or a draft, shown beside your assistant's own view.",
  tool: "chat_get_completion",
  arguments: [
    { name: "content", description: "What to review: code, a plan, a draft.", required: true },
    { name: "question", description: "What to ask about it (default: a critical review)." },
    {
      name: "model",
      description: `The Grok model (default ${DEFAULT_CHAT_MODEL}); completes from the model catalog.`,
      complete: "language-model",
    },
  ],
  messages(args) {
    const question = optional(args, "question") ?? DEFAULT_QUESTION;
    const toolArgs = {
      model: optional(args, "model") ?? DEFAULT_CHAT_MODEL,
      messages: [
        {
          role: "ROLE_SYSTEM",
          content: [
            {
              text: "You are giving an independent second opinion. Be specific and candid; say what you would change and why.",
            },
          ],
        },
        { role: "ROLE_USER", content: [{ text: `${question}\n\n---\n${args.content ?? ""}` }] },
      ],
    };
    return toolCallPrompt(
      `Grok's second opinion: ${question}`,
      this.tool,
      toolArgs,
      "First write down your own short answer to the question below about this content, before seeing Grok's.",
      "Then present both side by side: your view, Grok's view (as it answered), and where they agree and differ.",
    );
  },
};
