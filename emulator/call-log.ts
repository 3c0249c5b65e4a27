/** One call the emulator served, as tests want to see it. */
export interface CallRecord {
  /** The gRPC method path. */
  readonly method: string;
  /** When the call arrived (ms since epoch). */
  readonly startedAt: number;
  /** When it ended, and how. */
  endedAt?: number;
  outcome?: "ok" | "error" | "cancelled";
  /** The status code when it ended in error. */
  code?: number;
  /** The decoded request (the first message of a client stream), kept for wire tests. */
  request?: unknown;
}

/**
 * A bounded record of recent calls: which method, when, and whether the client cancelled it. Tests
 * use it to see a cancellation reach the server, or what a request looked like on arrival.
 */
export class CallLog {
  readonly #records: CallRecord[] = [];
  readonly #listeners = new Set<(r: CallRecord) => void>();
  constructor(private readonly limit = 1000) {}

  start(method: string, request?: unknown): CallRecord {
    const record: CallRecord = { method, startedAt: Date.now(), request };
    this.#records.push(record);
    if (this.#records.length > this.limit) this.#records.shift();
    return record;
  }

  end(record: CallRecord, outcome: NonNullable<CallRecord["outcome"]>, code?: number): void {
    if (record.outcome) return;
    record.endedAt = Date.now();
    record.outcome = outcome;
    if (code !== undefined) record.code = code;
    for (const l of this.#listeners) l(record);
  }

  /** Recent calls, oldest first; optionally only one method's. */
  records(method?: string): readonly CallRecord[] {
    return method ? this.#records.filter((r) => r.method === method) : [...this.#records];
  }

  /** Resolves with the next call of `method` that ends (any outcome). */
  nextEnd(method: string, timeoutMs = 5000): Promise<CallRecord> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#listeners.delete(listener);
        reject(new Error(`no call of ${method} ended within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (r: CallRecord) => {
        if (r.method !== method) return;
        clearTimeout(timer);
        this.#listeners.delete(listener);
        resolve(r);
      };
      this.#listeners.add(listener);
    });
  }

  clear(): void {
    this.#records.length = 0;
  }
}
