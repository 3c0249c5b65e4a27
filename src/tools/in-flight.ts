import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

/** One registered tool call; see {@link InFlightCalls.begin}. */
export interface InFlightCall {
  /** Aborted when the client cancels the call or the server stops. */
  readonly signal: AbortSignal;
  /** Resolves with the stopping answer when the server stops before the call is done. */
  readonly stopped: Promise<CallToolResult>;
  /** Marks the call answered; `work` settles once the tool has cleaned up after itself. */
  end(work: Promise<unknown>): void;
}

interface Entry {
  readonly controller: AbortController;
  readonly stop: (result: CallToolResult) => void;
  readonly answered: Promise<void>;
  readonly markAnswered: () => void;
  /** Settles once the tool's own work has settled (it cleaned up after itself). */
  readonly cleaned: Promise<void>;
  readonly markCleaned: () => void;
}

/**
 * The tool calls being answered, so that a shutdown can cancel each one (its gRPC call with it)
 * and still answer it: the client gets a reply for every request, an error saying the server is
 * stopping.
 */
export class InFlightCalls {
  readonly #calls = new Set<Entry>();
  #stopping: string | undefined;

  /** Why the server is stopping, once it is. */
  get stopping(): string | undefined {
    return this.#stopping;
  }

  /** Registers a call whose client-side cancellation is `clientSignal`. */
  begin(clientSignal: AbortSignal): InFlightCall {
    const controller = new AbortController();
    const abort = () => controller.abort(clientSignal.reason);
    if (clientSignal.aborted) abort();
    else clientSignal.addEventListener("abort", abort, { once: true });
    let stop!: (result: CallToolResult) => void;
    const stopped = new Promise<CallToolResult>((resolve) => {
      stop = resolve;
    });
    let markAnswered!: () => void;
    const answered = new Promise<void>((resolve) => {
      markAnswered = resolve;
    });
    let markCleaned!: () => void;
    const cleaned = new Promise<void>((resolve) => {
      markCleaned = resolve;
    });
    const entry: Entry = { controller, stop, answered, markAnswered, cleaned, markCleaned };
    this.#calls.add(entry);
    if (this.#stopping !== undefined) {
      stop(stoppingResult(this.#stopping));
      controller.abort(new Error(`server stopping: ${this.#stopping}`));
    }
    return {
      signal: controller.signal,
      stopped,
      end: (work) => {
        clientSignal.removeEventListener("abort", abort);
        void work.then(entry.markCleaned, entry.markCleaned);
        entry.markAnswered();
        // A call answered normally is done; one answered by a stop is kept until it cleaned up.
        if (this.#stopping === undefined) this.#calls.delete(entry);
      },
    };
  }

  /**
   * Stops every call: each is answered at once with an error saying the server is stopping, and
   * its work (gRPC calls, transfers) is cancelled. Resolves once every call has been answered and
   * has cleaned up (temporary files removed), or after `graceMs`, whichever comes first.
   */
  async stop(why: string, graceMs: number): Promise<void> {
    if (this.#stopping === undefined) this.#stopping = why;
    const entries = [...this.#calls];
    for (const entry of entries) {
      entry.stop(stoppingResult(why));
      entry.controller.abort(new Error(`server stopping: ${why}`));
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(entries.map(async (e) => Promise.all([e.answered, e.cleaned]))),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
  }
}

/** The answer of a call the server stopped before it was done. */
export function stoppingResult(why: string): CallToolResult {
  return {
    isError: true,
    content: [
      {
        type: "text",
        text:
          `The server is stopping (${why}): this call was cancelled before it finished, and its xAI call with it. ` +
          "Nothing more will be done for it; a call that changes state may or may not have taken effect, so check before calling again once the server is back.",
      },
    ],
  };
}
