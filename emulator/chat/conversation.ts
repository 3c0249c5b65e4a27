import { type Message, MessageRole } from "../../gen/xai/api/v1/chat_pb.js";
import type { Tokenizer } from "../tokenizer.js";

/**
 * Tokens an input image counts for. Real models count by resolution; the emulator does not look at
 * images, so every image costs the same.
 */
export const IMAGE_TOKENS = 256;

const COMPACTED = "xai-emulator-compacted-context:v1:";
const REASONING = "xai-emulator-encrypted-reasoning:v1:";

/** What a compaction blob holds once decoded. */
export interface CompactedContext {
  readonly model: string;
  readonly droppedMessages: number;
  readonly summary: string;
}

/**
 * Encodes a compacted context as an opaque base64 blob. It is not encrypted (there is no secret in
 * the emulator), but clients must treat it as opaque, as with the real API.
 */
export function encodeCompacted(context: CompactedContext): string {
  return Buffer.from(COMPACTED + JSON.stringify(context)).toString("base64");
}

/** Encodes reasoning for `use_encrypted_content`, in the same opaque form. */
export function encodeReasoning(reasoning: string): string {
  return Buffer.from(REASONING + JSON.stringify({ reasoning })).toString("base64");
}

/** What an `encrypted_content` blob sent back to the emulator stands for, if it made it. */
export type DecodedBlob =
  | { readonly kind: "compacted"; readonly context: CompactedContext }
  | { readonly kind: "reasoning"; readonly reasoning: string }
  | { readonly kind: "opaque" };

/** Decodes a blob this emulator handed out; anything else is `opaque`. */
export function decodeBlob(blob: string): DecodedBlob {
  const text = Buffer.from(blob, "base64").toString("utf8");
  try {
    if (text.startsWith(COMPACTED)) {
      const context = JSON.parse(text.slice(COMPACTED.length)) as CompactedContext;
      if (typeof context.summary === "string" && typeof context.droppedMessages === "number") {
        return { kind: "compacted", context };
      }
    }
    if (text.startsWith(REASONING)) {
      const { reasoning } = JSON.parse(text.slice(REASONING.length)) as { reasoning?: unknown };
      if (typeof reasoning === "string") return { kind: "reasoning", reasoning };
    }
  } catch {
    // A damaged blob is simply not ours.
  }
  return { kind: "opaque" };
}

/** The text parts of a message, joined with newlines. */
export function messageText(message: Message): string {
  return message.content
    .flatMap((part) => (part.content.case === "text" ? [part.content.value] : []))
    .join("\n");
}

/** How many images and files a message carries. */
export function attachmentsOf(message: Message): { images: number; files: number } {
  let images = 0;
  let files = 0;
  for (const part of message.content) {
    if (part.content.case === "imageUrl") images += 1;
    if (part.content.case === "file") files += 1;
  }
  return { images, files };
}

/**
 * Everything in a message the model reads as text: its text parts, replayed reasoning, replayed
 * tool calls (name and arguments), and what an emulator blob in `encrypted_content` stands for (a
 * foreign blob counts as its own characters: the emulator cannot know what it held).
 */
export function promptTextOf(message: Message): string {
  const parts = [messageText(message)];
  if (message.reasoningContent) parts.push(message.reasoningContent);
  for (const call of message.toolCalls) {
    if (call.tool.case === "function") parts.push(call.tool.value.name, call.tool.value.arguments);
  }
  if (message.encryptedContent) {
    const blob = decodeBlob(message.encryptedContent);
    if (blob.kind === "compacted") parts.push(blob.context.summary);
    else if (blob.kind === "reasoning") parts.push(blob.reasoning);
    else parts.push(message.encryptedContent);
  }
  return parts.filter((p) => p.length > 0).join("\n");
}

/** Prompt token counts of a conversation: text tokens of every message, and image tokens. */
export function promptTokens(
  messages: readonly Message[],
  tokenizer: Tokenizer,
): { text: number; image: number } {
  let text = 0;
  let image = 0;
  for (const m of messages) {
    text += tokenizer.count(promptTextOf(m));
    image += attachmentsOf(m).images * IMAGE_TOKENS;
  }
  return { text, image };
}

/** The last message with this role, if any. */
export function lastOfRole(messages: readonly Message[], role: MessageRole): Message | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role === role) return m;
  }
  return undefined;
}

/** The readable name of a role, for replies and summaries (`user`, `assistant`…). */
export function roleName(role: MessageRole): string {
  switch (role) {
    case MessageRole.ROLE_USER:
      return "user";
    case MessageRole.ROLE_ASSISTANT:
      return "assistant";
    case MessageRole.ROLE_SYSTEM:
      return "system";
    case MessageRole.ROLE_DEVELOPER:
      return "developer";
    case MessageRole.ROLE_TOOL:
      return "tool";
    case MessageRole.ROLE_FUNCTION:
      return "function";
    default:
      return "unknown";
  }
}

/** `text` on one line, cut to `max` characters with an ellipsis. */
export function excerpt(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const chars = [...flat];
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join("")}…`;
}
