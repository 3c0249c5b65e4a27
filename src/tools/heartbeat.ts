/**
 * Default pause before a heartbeat, in ms. MCP clients give up on a request after 60 s without an
 * answer unless progress arrives (and they reset their timer on progress); 10 s leaves room for a
 * slow transport and for clients with shorter timeouts.
 */
export const DEFAULT_HEARTBEAT_MS = 10_000;

/** Sends one `notifications/progress` for the current call. */
export type ProgressSend = (progress: number, total?: number, message?: string) => Promise<void>;

export interface ProgressReporterOptions {
  /** Send a heartbeat after this many ms without any progress notification; 0 turns heartbeats off. */
  readonly heartbeatMs: number;
  /** Names the call in heartbeat messages (the tool name). */
  readonly label: string;
}

/**
 * A heartbeat's step above the last progress sent. Small, so that heartbeats between a handler's
 * own reports (chunk 4, heartbeat 4.001, chunk 5) do not overtake the next report.
 */
const STEP = 0.001;

const above = (value: number) => Math.round((value + STEP) * 1e6) / 1e6;

/**
 * How long a result waits after the call's last progress notification. The TypeScript SDK client
 * handles notifications a microtask later than responses, and drops progress that arrives in the
 * same read as the response (modelcontextprotocol/typescript-sdk#2580): the last tokens of a
 * stream would never reach the client's progress handler. A short pause lets them go first.
 */
export const SETTLE_MS = 25;

/**
 * The progress notifications of one tool call. The MCP spec wants `progress` to increase with every
 * notification of a token, and two sources share it here: the tool's own reports (stream chunks,
 * poll results) and heartbeats, sent after `heartbeatMs` of silence so that a client that resets its
 * timeout on progress keeps waiting through a long call (a reasoning model may think for minutes).
 * A report that would not increase is sent just above the last value instead: nothing a handler
 * reports is dropped. Sending is best effort: a failed notification never fails the call.
 */
export class ProgressReporter {
  readonly #send: ProgressSend;
  readonly #options: ProgressReporterOptions;
  readonly #startedAt = Date.now();
  #last: number | undefined;
  #total: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #lastSentAt: number | undefined;

  constructor(send: ProgressSend, options: ProgressReporterOptions) {
    this.#send = send;
    this.#options = options;
  }

  /** Starts the heartbeat clock (a no-op when heartbeats are off). */
  start(): this {
    this.#schedule();
    return this;
  }

  /** Reports the call's own progress; see the class notes for how `progress` is kept increasing. */
  readonly report = async (progress: number, total?: number, message?: string): Promise<void> => {
    if (this.#stopped) return;
    const value = this.#last === undefined || progress > this.#last ? progress : above(this.#last);
    this.#total = total;
    await this.#emit(value, total, message);
  };

  /**
   * Resolves once {@link SETTLE_MS} have passed since the last notification (at once if none was
   * sent), so that the result does not overtake the last progress; see {@link SETTLE_MS}.
   */
  async settle(): Promise<void> {
    if (this.#lastSentAt === undefined) return;
    const wait = this.#lastSentAt + SETTLE_MS - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }

  /** Stops the heartbeats and ignores later reports; call it when the call ends. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #emit(value: number, total: number | undefined, message: string | undefined): Promise<void> {
    this.#last = value;
    this.#lastSentAt = Date.now();
    this.#schedule();
    try {
      await this.#send(value, total !== undefined && value <= total ? total : undefined, message);
    } catch {
      // The client went away or the transport failed; the call itself goes on (or gets cancelled).
    }
  }

  #schedule(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#stopped || this.#options.heartbeatMs <= 0) return;
    this.#timer = setTimeout(() => void this.#beat(), this.#options.heartbeatMs);
    // A heartbeat must never keep the process alive on its own.
    this.#timer.unref();
  }

  async #beat(): Promise<void> {
    if (this.#stopped) return;
    const seconds = Math.round((Date.now() - this.#startedAt) / 1000);
    await this.#emit(
      above(this.#last ?? 0),
      this.#total,
      `${this.#options.label}: still waiting for xAI (${seconds} s so far)`,
    );
  }
}
