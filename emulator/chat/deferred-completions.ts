import type { GetChatCompletionResponse } from "../../gen/xai/api/v1/chat_pb.js";
import { DeferredStatus } from "../../gen/xai/api/v1/deferred_pb.js";
import { approximateBytes } from "../call-log.js";
import { invalidArgument, notFound } from "../errors.js";
import { EvictingMap } from "../limits.js";

/** How a deferred completion looks to one poll. */
export interface DeferredPoll {
  readonly status: DeferredStatus;
  /** Present when `status` is DONE. */
  readonly response?: GetChatCompletionResponse | undefined;
}

interface Job {
  readonly response: GetChatCompletionResponse;
  readonly finishedAt: number;
  polls: number;
}

/** Settings of the deferred store: how many polls stay PENDING, and how long a result lives. */
export interface DeferredSettings {
  readonly pendingPolls: number;
  readonly ttlMs: number;
  /** Bytes of answers kept; the oldest are dropped first. */
  readonly maxBytes: number;
}

/**
 * Deferred completions of one emulator run. The answer is computed when the job starts (so an
 * invalid request fails at start, as with the API); the first `pendingPolls` polls still say PENDING,
 * so clients exercise their polling loop. A result older than `ttlMs` by the emulator's clock is
 * EXPIRED, whether or not it was ever fetched.
 */
export class DeferredCompletions {
  readonly #jobs: EvictingMap<string, Job>;

  constructor(
    private readonly settings: DeferredSettings,
    private readonly now: () => Date,
  ) {
    this.#jobs = new EvictingMap(settings.maxBytes);
  }

  /** Bytes held (approximately). */
  get bytes(): number {
    return this.#jobs.bytes;
  }

  /** Registers a finished answer under its request id. */
  add(requestId: string, response: GetChatCompletionResponse): void {
    this.#jobs.set(
      requestId,
      { response, finishedAt: this.now().getTime(), polls: 0 },
      approximateBytes(response),
    );
  }

  /** One poll: PENDING, DONE with the response, or EXPIRED; `NOT_FOUND` for an unknown id. */
  poll(requestId: string): DeferredPoll {
    if (requestId.trim() === "") throw invalidArgument("request_id must be set");
    const job = this.#jobs.get(requestId);
    if (!job)
      throw notFound(
        `request_id ${requestId}: no deferred completion with this id (or it was dropped to make room)`,
      );
    if (this.now().getTime() - job.finishedAt >= this.settings.ttlMs)
      return { status: DeferredStatus.EXPIRED };
    if (job.polls < this.settings.pendingPolls) {
      job.polls += 1;
      return { status: DeferredStatus.PENDING };
    }
    return { status: DeferredStatus.DONE, response: job.response };
  }
}
