import type { GetPromptResult } from "@modelcontextprotocol/sdk/types.js";

/** Where the values of a completable argument come from (see `src/completions`). */
export type CompletionSource =
  | "language-model"
  | "image-model"
  | "reasoning-effort"
  | "aspect-ratio"
  | "search-sources";

/** One argument of a prompt, as `prompts/list` shows it. Prompt arguments are strings. */
export interface PromptArgumentSpec {
  readonly name: string;
  readonly description: string;
  readonly required?: boolean;
  /** Set when `completion/complete` offers values for the argument. */
  readonly complete?: CompletionSource;
}

/** The enum forms a prompt turns people's words into (loaded with the generated code). */
export interface PromptEnums {
  /** `"high"` or `"EFFORT_HIGH"` → `"EFFORT_HIGH"`; undefined when it is no reasoning effort. */
  reasoningEffort(value: string): string | undefined;
  /** `"16:9"`, `"auto"` or `"IMG_ASPECT_RATIO_16_9"` → `"IMG_ASPECT_RATIO_16_9"`; undefined when unknown. */
  aspectRatio(value: string): string | undefined;
  /** The friendly forms people type: `low`, `medium`, `high`. */
  readonly reasoningEfforts: readonly string[];
  /** The friendly forms people type: `1:1`, `16:9`, `auto`… */
  readonly aspectRatios: readonly string[];
}

/** A refused argument: the prompt is not built, and the client is told which argument and why. */
export class PromptArgumentError extends Error {
  constructor(
    readonly argument: string,
    message: string,
  ) {
    super(`${argument}: ${message}`);
    this.name = "PromptArgumentError";
  }
}

/**
 * A prompt: a Grok workflow a person picks in their client. Getting it yields messages that have the
 * client's model call one tool with arguments built from the prompt's.
 */
export interface PromptSpec {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** The tool the messages have the client call; the prompt is listed only while it is. */
  readonly tool: string;
  readonly arguments: readonly PromptArgumentSpec[];
  /** The messages for arguments already checked to be known and present when required. */
  messages(args: Readonly<Record<string, string>>, enums: PromptEnums): GetPromptResult;
}

/** The default chat model of the prompts when none is given. */
export const DEFAULT_CHAT_MODEL = "grok-4";

/** The default image model of `grok_image` when none is given. */
export const DEFAULT_IMAGE_MODEL = "grok-imagine-image";

/**
 * The one user message of a prompt: what to do before, the exact tool call (as JSON the client's
 * model passes on unchanged), and how to present the result.
 */
export function toolCallPrompt(
  description: string,
  tool: string,
  toolArgs: Record<string, unknown>,
  before: string | undefined,
  after: string,
): GetPromptResult {
  const text = [
    before,
    `Call the tool \`${tool}\` with exactly these arguments:`,
    "```json",
    JSON.stringify(toolArgs, null, 2),
    "```",
    after,
  ]
    .filter((line) => line !== undefined)
    .join("\n");
  return { description, messages: [{ role: "user", content: { type: "text", text } }] };
}

/** The optional argument's value with blanks trimmed, or undefined when absent or blank. */
export function optional(args: Readonly<Record<string, string>>, name: string): string | undefined {
  const v = args[name]?.trim();
  return v ? v : undefined;
}
