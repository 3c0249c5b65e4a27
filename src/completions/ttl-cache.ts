/**
 * Values loaded on demand and kept for a few seconds, so that completing as a person types asks
 * xAI once, not at every keystroke. Concurrent gets share one load; a failed load is not kept.
 */
export class TtlCache<T> {
  readonly #entries = new Map<string, { at: number; value: Promise<T> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The value under `key`, loaded with `load` when missing or older than the time to live. */
  get(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.#entries.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value;
    const value = load();
    const entry = { at: this.now(), value };
    this.#entries.set(key, entry);
    value.catch(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    });
    return value;
  }

  /** Forgets everything (the account changed: an upload, a new batch). */
  clear(): void {
    this.#entries.clear();
  }
}
