import { invalidArgument, resourceExhausted } from "./errors.js";

/**
 * Caps on the text fields the emulator keeps, in characters. The API states none of these; they are
 * generous for real use (the Files service's 255-character filenames and Collections' 256-character
 * names are the API's own) and keep a record from holding megabytes of a name.
 */
export const TEXT_LIMITS = {
  /** A batch's name. */
  batchName: 1024,
  /** A collection's description. */
  description: 4096,
  /** A document metadata field's key. */
  fieldKey: 256,
  /** A document metadata field's value. */
  fieldValue: 4096,
  /** Metadata fields on one document. */
  fieldCount: 64,
  /**
   * A listing's `filter` (and ListDocuments' `name`). Page tokens carry the query they belong to,
   * so a filter of megabytes would come back in every token.
   */
  filter: 1024,
} as const;

/** `INVALID_ARGUMENT` when `value` is longer than `max` characters, naming the field and the cap. */
export function checkChars(field: string, value: string, max: number): string {
  if (value.length > max) {
    throw invalidArgument(`${field} is ${value.length} characters long; at most ${max} are accepted`);
  }
  return value;
}

/**
 * Checks document metadata: at most {@link TEXT_LIMITS.fieldCount} fields, keys and values within
 * their caps.
 */
export function checkFieldSizes(field: string, fields: Readonly<Record<string, string>>): void {
  const entries = Object.entries(fields);
  if (entries.length > TEXT_LIMITS.fieldCount) {
    throw invalidArgument(
      `${field} has ${entries.length} entries; at most ${TEXT_LIMITS.fieldCount} are accepted`,
    );
  }
  for (const [key, value] of entries) {
    checkChars(`${field} key "${key.slice(0, 40)}"`, key, TEXT_LIMITS.fieldKey);
    checkChars(`${field}["${key.slice(0, 40)}"]`, value, TEXT_LIMITS.fieldValue);
  }
}

/** The byte budget of each of the emulator's stores (see {@link ByteBudget}, {@link EvictingMap}). */
export interface StoreBudgets {
  /** Uploaded files: full means `RESOURCE_EXHAUSTED` on upload until some are deleted. */
  readonly files: number;
  /** Collection documents (their indexed chunks and any content set by UpdateDocument): refused when full. */
  readonly documents: number;
  /** Batches (their requests and results): refused when full. */
  readonly batches: number;
  /** Stored chat completions (`store_messages`): the oldest are dropped. */
  readonly storedCompletions: number;
  /** Deferred chat completions: the oldest are dropped. */
  readonly deferredCompletions: number;
  /** Deferred video requests: the oldest are dropped. */
  readonly videoJobs: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_STORE_BUDGETS: StoreBudgets = {
  files: 32 * MiB,
  documents: 16 * MiB,
  batches: 32 * MiB,
  storedCompletions: 8 * MiB,
  deferredCompletions: 8 * MiB,
  videoJobs: 2 * MiB,
};

/**
 * The bytes held by a store whose records the user made and expects to keep (files, documents,
 * batches): dropping one would break what the API promises, so a record that does not fit is
 * refused with `RESOURCE_EXHAUSTED` instead.
 */
export class ByteBudget {
  #used = 0;
  constructor(
    /** What the store holds, as the error names it ("uploaded files"). */
    readonly what: string,
    readonly maxBytes: number,
    /** What frees room, as the error advises ("delete some files"). */
    readonly advice: string,
  ) {}

  /** Bytes in use. */
  get used(): number {
    return this.#used;
  }

  /** Counts `bytes` more, or refuses with `RESOURCE_EXHAUSTED` when they do not fit. */
  reserve(bytes: number): void {
    this.check(bytes);
    this.#used += bytes;
  }

  /** Refuses with `RESOURCE_EXHAUSTED` when `bytes` more would not fit; counts nothing. */
  check(bytes: number): void {
    if (this.#used + bytes > this.maxBytes) {
      throw resourceExhausted(
        `the emulator keeps at most ${this.maxBytes} bytes of ${this.what} and holds ${this.#used}; ` +
          `${bytes} more do not fit: ${this.advice}`,
      );
    }
  }

  /** Counts `bytes` more without a check (work the emulator did itself, like a batch result). */
  force(bytes: number): void {
    this.#used += bytes;
  }

  /** Gives back `bytes` of a record that was removed. */
  release(bytes: number): void {
    this.#used = Math.max(0, this.#used - bytes);
  }
}

/**
 * A map kept under a byte budget by dropping its oldest entries (in insertion order), for records
 * the API itself lets expire (stored and deferred completions, video requests): a dropped one reads
 * as `NOT_FOUND`, as after its expiry. An entry larger than the whole budget is not kept at all.
 */
export class EvictingMap<K, V> {
  readonly #entries = new Map<K, { readonly value: V; readonly bytes: number }>();
  #bytes = 0;
  constructor(readonly maxBytes: number) {}

  /** Bytes held. */
  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Keeps `value` under `key` (replacing any), then drops the oldest entries until under budget. */
  set(key: K, value: V, bytes: number): void {
    this.delete(key);
    this.#entries.set(key, { value, bytes });
    this.#bytes += bytes;
    for (const [k, e] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#entries.delete(k);
      this.#bytes -= e.bytes;
    }
  }

  get(key: K): V | undefined {
    return this.#entries.get(key)?.value;
  }

  delete(key: K): boolean {
    const e = this.#entries.get(key);
    if (!e) return false;
    this.#entries.delete(key);
    this.#bytes -= e.bytes;
    return true;
  }
}
