import { type Message, MessageRole, ReasoningEffort } from "../../gen/xai/api/v1/chat_pb.js";
import { hashParts } from "../text/hash.js";
import { attachmentsOf, decodeBlob, excerpt, lastOfRole, messageText, roleName } from "./conversation.js";

/** What a reply is built from. */
export interface ReplyInput {
  /** Canonical model name. */
  readonly model: string;
  /** The whole conversation the model sees: stored history first, then the request's messages. */
  readonly messages: readonly Message[];
  /** How many of `messages` came from the stored conversation of `previousResponseId`. */
  readonly historyLength: number;
  readonly previousResponseId?: string | undefined;
  /** The request's seed (0 when unset). */
  readonly seed: number;
  /** Output index, 0 … n-1: each index gets a differently worded reply. */
  readonly index: number;
}

// One of these is woven into each reply; consecutive indexes pick consecutive sentences, so up to
// this many outputs of one request are always worded differently.
const REMARKS = [
  "A real model would answer in its own words; the emulator gives a fixed, deterministic reply instead.",
  "This reply is deterministic: the same request always gets the same words back.",
  "Nothing was looked up and nothing was learnt: the emulator only describes what it received.",
  "Use it to exercise a client end to end without an API key or a network connection.",
  "The wording comes from templates, chosen by the request's seed and the output index.",
  "The emulator speaks the real xAI gRPC protocol, so a client sees genuine messages and usage.",
  "Send another seed to get a differently worded reply about the same conversation.",
  "Streamed, this reply arrives in chunks that join up to exactly the same text.",
  "Token counts in the usage come from the emulator's own deterministic tokenizer.",
  "Nothing is remembered between requests unless a response is stored with store_messages.",
];

const GREETINGS = ["Hello", "Hi", "Greetings", "Hey there"];

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The name of the function a tool result answers: from the call it names, else the message's name. */
export function toolNameOf(result: Message, messages: readonly Message[]): string {
  if (result.toolCallId) {
    for (const m of messages) {
      for (const call of m.toolCalls) {
        if (call.id === result.toolCallId && call.tool.case === "function") return call.tool.value.name;
      }
    }
  }
  return result.name || "the tool";
}

/** The facts about the conversation that the reply and the reasoning mention. */
function contextSentences(input: ReplyInput): string[] {
  const { messages } = input;
  const out: string[] = [];
  const roles = new Map<string, number>();
  for (const m of messages) roles.set(roleName(m.role), (roles.get(roleName(m.role)) ?? 0) + 1);
  const breakdown = [...roles].map(([role, n]) => `${n} ${role}`).join(", ");
  out.push(`The conversation has ${count(messages.length, "message")} (${breakdown}).`);
  if (input.previousResponseId) {
    out.push(
      `It continues stored response ${input.previousResponseId}, whose ${count(input.historyLength, "earlier message")} I took into account.`,
    );
  }
  const instructions = messages.find(
    (m) => m.role === MessageRole.ROLE_SYSTEM || m.role === MessageRole.ROLE_DEVELOPER,
  );
  if (instructions && messageText(instructions)) {
    out.push(`I am following the instructions "${excerpt(messageText(instructions), 80)}".`);
  }
  let compacted = 0;
  for (const m of messages) {
    if (!m.encryptedContent) continue;
    const blob = decodeBlob(m.encryptedContent);
    if (blob.kind === "compacted") compacted += blob.context.droppedMessages;
  }
  if (compacted > 0) out.push(`${count(compacted, "earlier message")} reached me as a compacted context.`);
  const last = lastOfRole(messages, MessageRole.ROLE_USER);
  if (last) {
    const { images, files } = attachmentsOf(last);
    if (images + files > 0) {
      const what = [images > 0 ? count(images, "image") : "", files > 0 ? count(files, "file") : ""].filter(
        Boolean,
      );
      out.push(`You attached ${what.join(" and ")}; the emulator notes them without reading them.`);
    }
  }
  return out;
}

/**
 * The assistant's text reply: says it is the xAI emulator, quotes the last user message (or uses
 * the tool result that ends the conversation), describes the conversation, and words it by seed
 * and output index.
 */
export function composeReply(input: ReplyInput): string {
  const { messages, model } = input;
  const h = hashParts("reply", input.seed);
  const greeting = GREETINGS[(h + input.index) % GREETINGS.length];
  const remark = REMARKS[(h + input.index) % REMARKS.length];
  const lastUser = lastOfRole(messages, MessageRole.ROLE_USER);
  const asked = lastUser ? excerpt(messageText(lastUser)) : "";
  const final = messages[messages.length - 1];
  const parts = [`${greeting}! This is the xAI emulator answering as ${model}, not a real Grok model.`];
  if (final && (final.role === MessageRole.ROLE_TOOL || final.role === MessageRole.ROLE_FUNCTION)) {
    const result = excerpt(messageText(final) || "(an empty result)", 200);
    parts.push(`The function ${toolNameOf(final, messages)} returned: ${result}`);
    parts.push(
      asked
        ? `Based on that result, the answer to "${asked}" is: ${result}`
        : `Based on that result, the answer is: ${result}`,
    );
  } else if (asked) {
    parts.push(`You said: "${asked}"`);
  } else {
    parts.push("Your messages hold no user turn, so there is no question to echo.");
  }
  parts.push(remark ?? "", ...contextSentences(input));
  return parts.filter(Boolean).join(" ");
}

/** How many steps of reasoning each effort produces (EFFORT_NONE: none). */
function reasoningSteps(effort: ReasoningEffort): number {
  switch (effort) {
    case ReasoningEffort.EFFORT_NONE:
      return 0;
    case ReasoningEffort.EFFORT_LOW:
      return 2;
    case ReasoningEffort.EFFORT_HIGH:
      return 4;
    case ReasoningEffort.EFFORT_XHIGH:
      return 5;
    default:
      return 3;
  }
}

const EFFORT_NAMES: Record<number, string> = {
  [ReasoningEffort.EFFORT_LOW]: "low",
  [ReasoningEffort.EFFORT_MEDIUM]: "medium",
  [ReasoningEffort.EFFORT_HIGH]: "high",
  [ReasoningEffort.EFFORT_XHIGH]: "extra high",
};

/**
 * The reasoning trace of a reasoning model: a few numbered steps, more for a higher effort, that
 * say what the emulator noticed and what it will answer with. Empty for EFFORT_NONE.
 */
export function composeReasoning(input: ReplyInput, effort: ReasoningEffort, plan: string): string {
  const steps = reasoningSteps(effort);
  if (steps === 0) return "";
  const lastUser = lastOfRole(input.messages, MessageRole.ROLE_USER);
  const asked = lastUser ? excerpt(messageText(lastUser), 80) : "";
  const all = [
    `Emulated reasoning (effort ${EFFORT_NAMES[effort] ?? "medium"}) for output ${input.index}.`,
    asked ? `The user asked: "${asked}".` : "There is no user message to answer.",
    ...contextSentences(input).slice(0, 1),
    `Plan: ${plan}.`,
    "Check: the answer says plainly that it comes from the emulator.",
    "Check: the same request must always get this same answer.",
  ];
  return all
    .slice(0, steps + 1)
    .map((s, i) => (i === 0 ? s : `${i}. ${s}`))
    .join("\n");
}
