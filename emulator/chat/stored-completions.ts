import type { GetChatCompletionResponse, Message } from "../../gen/xai/api/v1/chat_pb.js";
import { approximateBytes } from "../call-log.js";
import { invalidArgument, notFound } from "../errors.js";
import { EvictingMap } from "../limits.js";

/** A response kept because its request set `store_messages`, with the conversation it ended. */
export interface StoredCompletion {
  readonly response: GetChatCompletionResponse;
  /**
   * The whole conversation up to and including this response's answer (the first output's
   * message): what `previous_response_id` prepends to a follow-up request.
   */
  readonly conversation: readonly Message[];
}

/**
 * The stored responses of one emulator run, by response id, within `maxBytes` (the oldest are
 * dropped first, and then read as never stored).
 */
export class StoredCompletions {
  readonly #byId: EvictingMap<string, StoredCompletion>;

  constructor(maxBytes: number) {
    this.#byId = new EvictingMap(maxBytes);
  }

  /** Bytes held (approximately). */
  get bytes(): number {
    return this.#byId.bytes;
  }

  /** Keeps a response (replacing one with the same id). */
  put(entry: StoredCompletion): void {
    this.#byId.set(entry.response.id, entry, approximateBytes(entry));
  }

  /** The stored response, or `NOT_FOUND` like the API; `what` names the field in the error. */
  get(id: string, what = "response_id"): StoredCompletion {
    if (id.trim() === "") throw invalidArgument(`${what} must be set`);
    const entry = this.#byId.get(id);
    if (!entry) {
      throw notFound(
        `${what} ${id}: no stored response with this id (it was never stored, was deleted, or was dropped to make room)`,
      );
    }
    return entry;
  }

  /** Deletes a stored response; `NOT_FOUND` when there is none. */
  delete(id: string): void {
    this.get(id);
    this.#byId.delete(id);
  }
}
