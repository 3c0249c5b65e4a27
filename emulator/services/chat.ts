import { Chat } from "../../gen/xai/api/v1/chat_pb.js";
import type { EmulatorContext } from "../context.js";
import { bind, type ServiceBinding } from "../service-impl.js";

/** Resolves after `ms` (or on the next turn of the event loop for 0), early when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      clearImmediate(immediate);
      signal.removeEventListener("abort", done);
      resolve();
    };
    // setImmediate rather than a 0 ms timer: it yields to I/O (a cancel arriving) without the 1 ms floor.
    const timer = ms > 0 ? setTimeout(done, ms) : undefined;
    const immediate = ms > 0 ? undefined : setImmediate(done);
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * The Chat service: blocking, streamed and deferred completions, stored responses and context
 * compaction, all answered by the chat engine.
 */
export function chatService(ctx: EmulatorContext): ServiceBinding {
  const { chat } = ctx;
  return bind(Chat, {
    getCompletion: (request) => chat.complete(request),
    async *getCompletionChunk(request, call) {
      const chunks = await chat.completeChunks(request);
      for (const [i, chunk] of chunks.entries()) {
        // A pause between chunks (not before the first) lets a client's cancel land mid-stream.
        if (i > 0) await pause(chat.streamChunkDelayMs, call.signal);
        if (call.signal.aborted) return;
        yield chunk;
      }
    },
    startDeferredCompletion: async (request) => ({ requestId: await chat.startDeferred(request) }),
    getDeferredCompletion: (request) => chat.pollDeferred(request.requestId),
    getStoredCompletion: (request) => chat.storedCompletion(request.responseId),
    deleteStoredCompletion: (request) => {
      chat.deleteStoredCompletion(request.responseId);
      return { responseId: request.responseId };
    },
    compactContext: (request) => chat.compact(request),
  });
}
