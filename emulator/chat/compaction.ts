import { create } from "@bufbuild/protobuf";
import {
  type CompactContextRequest,
  type CompactContextResponse,
  CompactContextResponseSchema,
} from "../../gen/xai/api/v1/chat_pb.js";
import type { EngineDeps } from "../context.js";
import { invalidArgument } from "../errors.js";
import { encodeCompacted, excerpt, promptTextOf, promptTokens, roleName } from "./conversation.js";
import { validateMessage } from "./request-validation.js";
import { samplingUsage } from "./usage.js";

/** How many of the latest messages a compaction leaves out of the summary (at most). */
export const KEEP_LATEST = 2;

/**
 * Compacts a conversation: the older messages become one opaque blob holding a short summary of
 * them; the latest few (up to {@link KEEP_LATEST}, and never all of them) stay for the client to send
 * as they are. The client then sends the blob as a message's `encrypted_content` in place of the
 * `dropped_message_count` oldest messages.
 */
export function compactContext(request: CompactContextRequest, deps: EngineDeps): CompactContextResponse {
  if (request.model.trim() === "") throw invalidArgument("model must be set, e.g. grok-4");
  if (request.input.length === 0)
    throw invalidArgument("input must not be empty: send the messages to compact");
  for (const [i, m] of request.input.entries()) validateMessage(m, `input[${i}]`, deps);
  const model = deps.catalog.language(request.model);
  const keep = Math.min(KEEP_LATEST, Math.floor(request.input.length / 2));
  const dropped = request.input.slice(0, request.input.length - keep);
  const lines = dropped.map((m) => `${roleName(m.role)}: ${excerpt(promptTextOf(m), 120)}`);
  const summary = `Summary by the xAI emulator of ${dropped.length} earlier message(s).\n${lines.join("\n")}`;
  const prompt = promptTokens(request.input, deps.tokenizer);
  return create(CompactContextResponseSchema, {
    id: deps.newId("compact"),
    encryptedContent: encodeCompacted({ model: model.name, droppedMessages: dropped.length, summary }),
    droppedMessageCount: dropped.length,
    usage: samplingUsage(model, {
      promptText: prompt.text,
      promptImage: prompt.image,
      completion: deps.tokenizer.count(summary),
      reasoning: 0,
    }),
  });
}
