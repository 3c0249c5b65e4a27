// PLACEHOLDER: replaced by the chat part of the emulator.

import type { GetChatCompletionResponse, GetCompletionsRequest } from "../../gen/xai/api/v1/chat_pb.js";
import type { EngineDeps } from "../context.js";

/** Computes chat completions; used by Chat itself and by Batch. */
export interface ChatEngine {
  /** Validates the request like the API (EmulatorError otherwise) and answers it deterministically. */
  complete(request: GetCompletionsRequest): Promise<GetChatCompletionResponse>;
}

export function createChatEngine(_deps: EngineDeps): ChatEngine {
  throw new Error("not implemented yet");
}
