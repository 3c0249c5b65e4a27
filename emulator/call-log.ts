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
  /**
   * The decoded request (the first message of a client stream), kept for wire tests; absent when
   * it was larger than the log keeps ({@link CallLog}).
   */
  request?: unknown;
  /** The request's approximate size in bytes (strings and bytes it holds). */
  readonly requestBytes: number;
}

/**
 * The approximate size of a decoded message: the characters of its strings plus its bytes fields,
 * plus a little per value. Cheap (one walk), and enough to bound memory.
 */
export function approximateBytes(value: unknown, depth = 0): number {
  if (typeof value === "string") return value.length + 16;
  if (value instanceof Uint8Array) return value.byteLength + 16;
  if (depth > 64 || value === null || typeof value !== "object") return 8;
  let total = 16;
  if (Array.isArray(value)) for (const v of value) total += approximateBytes(v, depth + 1);
  else for (const v of Object.values(value)) total += approximateBytes(v, depth + 1);
  return total;
}

/**
 * A bounded record of recent calls: which method, when, and whether the client cancelled it. Tests
 * use it to see a cancellation reach the server, or what a request looked like on arrival.
 *
 * Bounded by count and by bytes: at most `limit` records, whose requests hold at most `maxBytes`
 * together (the oldest go first); a single request over `maxRequestBytes` is not kept at all.
 */
export class CallLog {
  readonly #records: CallRecord[] = [];
  readonly #listeners = new Set<(r: CallRecord) => void>();
  #bytes = 0;
  constructor(
    private readonly limit = 1000,
    private readonly maxBytes = 16 * 1024 * 1024,
    private readonly maxRequestBytes = 4 * 1024 * 1024,
  ) {}

  start(method: string, request?: unknown): CallRecord {
    const size = request === undefined ? 0 : approximateBytes(request);
    const kept = size <= this.maxRequestBytes;
    const record: CallRecord = {
      method,
      startedAt: Date.now(),
      requestBytes: size,
      ...(kept && request !== undefined ? { request } : {}),
    };
    this.#records.push(record);
    this.#bytes += kept ? size : 0;
    while (this.#records.length > this.limit || this.#bytes > this.maxBytes) {
      const dropped = this.#records.shift();
      if (!dropped) break;
      if (dropped.request !== undefined) this.#bytes -= dropped.requestBytes;
    }
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
    this.#bytes = 0;
  }
}
