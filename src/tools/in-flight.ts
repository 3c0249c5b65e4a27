import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { HookedAbortController, onAbort } from "../abort-hooks.js";

interface Entry {
  readonly controller: HookedAbortController;
  /** Answers the call with the stopping answer, unless its own answer came first. */
  readonly stop: (why: string) => void;
  /** The tool's own work has settled: it cleaned up after itself. */
  cleaned: boolean;
  /** Called once the work has settled, while a stop waits for it. */
  onCleaned?: () => void;
}

/**
 * The tool calls (and resource reads) being answered, so that a shutdown can cancel each one (its
 * gRPC call with it) and still answer it: the client gets a reply for every request, an error
 * saying the server is stopping.
 *
 * Every tool call passes through here, so a call costs what it must and no more: one controller,
 * one hook on the client's signal, one promise for the answer.
 */
export class InFlightCalls {
  readonly #calls = new Set<Entry>();
  #stopping: string | undefined;

  /** Why the server is stopping, once it is. */
  get stopping(): string | undefined {
    return this.#stopping;
  }

  /**
   * Runs one call: `work` gets a signal aborted when the client cancels (`clientSignal`) or the
   * server stops. Resolves with the work's result, or at once, when the server stops first, with
   * `onStop(why)` (for a tool, {@link stoppingResult}; what `onStop` throws rejects instead, for
   * requests answered by a JSON-RPC error); a stop then waits (up to its grace) for the work to
   * settle.
   */
  run<T>(
    clientSignal: AbortSignal,
    work: (signal: AbortSignal) => Promise<T>,
    onStop: (why: string) => T,
  ): Promise<T> {
    const controller = new HookedAbortController();
    const forgetClient = onAbort(clientSignal, () => controller.abort(clientSignal.reason));
    let answer!: (result: T) => void;
    let fail!: (e: unknown) => void;
    const answered = new Promise<T>((resolve, reject) => {
      answer = resolve;
      fail = reject;
    });
    const stop = (why: string) => {
      try {
        answer(onStop(why));
      } catch (e) {
        fail(e);
      }
    };
    const entry: Entry = { controller, stop, cleaned: false };
    this.#calls.add(entry);
    const settled = () => {
      forgetClient();
      entry.cleaned = true;
      entry.onCleaned?.();
      this.#calls.delete(entry);
    };
    if (this.#stopping !== undefined) this.#stopEntry(entry, this.#stopping);
    let running: Promise<T>;
    try {
      running = work(controller.signal);
    } catch (e) {
      running = Promise.reject(e);
    }
    running.then(
      (result) => {
        answer(result);
        settled();
      },
      (e: unknown) => {
        fail(e);
        settled();
      },
    );
    return answered;
  }

  /**
   * Stops every call: each is answered at once with an error saying the server is stopping, and
   * its work (gRPC calls, transfers) is cancelled. Resolves once every call has cleaned up
   * (temporary files removed), or after `graceMs`, whichever comes first.
   */
  async stop(why: string, graceMs: number): Promise<void> {
    if (this.#stopping === undefined) this.#stopping = why;
    const entries = [...this.#calls];
    for (const entry of entries) this.#stopEntry(entry, why);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(
        entries.map((e) =>
          e.cleaned
            ? undefined
            : new Promise<void>((resolve) => {
                e.onCleaned = resolve;
              }),
        ),
      ),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
  }

  #stopEntry(entry: Entry, why: string): void {
    entry.stop(why);
    entry.controller.abort(new Error(`server stopping: ${why}`));
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
