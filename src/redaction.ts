/**
 * The last line of defence for the keys: every string that leaves the process (stdout messages,
 * stderr lines, log notifications) passes through a {@link Redactor} first, so that a hostile or
 * misconfigured host cannot echo a key back through an answer.
 *
 * What counts as the key: any run of {@link WINDOW} or more characters of the key itself, or of its
 * base64, base64url or URL-encoded form (at all three byte alignments, so that a fragment encoded on
 * its own is caught too). The scan is one pass over the text with a rolling hash of the last
 * {@link WINDOW} characters, looked up in a set precomputed from the keys; a hit is confirmed by
 * comparing the characters, and every character covered by a confirmed window is replaced.
 */

/** The shortest run of a key's characters that counts as a leak. */
export const WINDOW = 8;

/** What a leaked run is replaced with. */
export const REDACTED = "[redacted]";

const BASE = 257;
/** BASE^(WINDOW-1) mod 2^32, to drop the oldest character from the rolling hash. */
const DROP = (() => {
  let p = 1;
  for (let i = 0; i < WINDOW - 1; i++) p = Math.imul(p, BASE);
  return p;
})();

const FILTER_SIZE = 1 << 16;
const FILTER_MASK = FILTER_SIZE - 1;

function hashAt(text: string, start: number): number {
  let h = 0;
  for (let i = start; i < start + WINDOW; i++) h = (Math.imul(h, BASE) + text.charCodeAt(i)) | 0;
  return h;
}

/** The forms a key can take in an answer: itself, base64 and base64url at each alignment, URL-encoded. */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret, encodeURIComponent(secret)]);
  const bytes = Buffer.from(secret, "utf8");
  for (let shift = 0; shift < 3 && shift < bytes.length; shift++) {
    const part = bytes.subarray(shift);
    forms.add(part.toString("base64").replace(/=+$/, ""));
    forms.add(part.toString("base64url"));
  }
  // As JSON writes them (a key with a quote or backslash in it).
  for (const form of [...forms]) forms.add(JSON.stringify(form).slice(1, -1));
  return [...forms].filter((f) => f.length >= WINDOW);
}

/** Replaces every run of a key (or of its encodings) in text; see the module comment. */
export class Redactor {
  /** Rolling hash → the windows with that hash. */
  readonly #windows = new Map<number, string[]>();
  /** A one-byte-per-slot filter over the low hash bits: most positions skip the map lookup. */
  readonly #filter = new Uint8Array(FILTER_SIZE);
  readonly active: boolean;

  constructor(secrets: readonly (string | undefined)[]) {
    for (const secret of secrets) {
      if (!secret) continue;
      // A key shorter than a window is caught whole.
      const forms = secret.length < WINDOW ? [] : secretForms(secret);
      for (const form of forms) {
        for (let i = 0; i + WINDOW <= form.length; i++) {
          const window = form.slice(i, i + WINDOW);
          const h = hashAt(window, 0);
          this.#filter[h & FILTER_MASK] = 1;
          const list = this.#windows.get(h);
          if (!list) this.#windows.set(h, [window]);
          else if (!list.includes(window)) list.push(window);
        }
      }
    }
    this.#short = secrets.filter((s): s is string => !!s && s.length >= 4 && s.length < WINDOW);
    this.active = this.#windows.size > 0 || this.#short.length > 0;
  }

  readonly #short: string[];

  /** The text with every leaked run replaced by {@link REDACTED}; the same string when clean. */
  text(text: string): string {
    if (!this.active || text.length < 4) return text;
    let out = text.length >= WINDOW && this.#windows.size > 0 ? this.#scan(text) : text;
    for (const s of this.#short) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  }

  #scan(text: string): string {
    const n = text.length;
    let h = hashAt(text, 0);
    // Covered ranges, merged as they are found: [start, end) pairs.
    let ranges: number[] | undefined;
    for (let i = 0; ; i++) {
      const list = this.#filter[h & FILTER_MASK] === 1 ? this.#windows.get(h) : undefined;
      if (list?.some((w) => text.startsWith(w, i))) {
        ranges ??= [];
        const last = ranges.length - 1;
        if (last > 0 && (ranges[last] as number) >= i) ranges[last] = i + WINDOW;
        else ranges.push(i, i + WINDOW);
      }
      if (i + WINDOW >= n) break;
      h = (Math.imul(h - Math.imul(text.charCodeAt(i), DROP), BASE) + text.charCodeAt(i + WINDOW)) | 0;
    }
    if (!ranges) return text;
    let out = "";
    let from = 0;
    for (let r = 0; r < ranges.length; r += 2) {
      out += text.slice(from, ranges[r]) + REDACTED;
      from = ranges[r + 1] as number;
    }
    return out + text.slice(from);
  }

  /** Every string inside a value (keys too) redacted; the same value when nothing leaked. */
  value<T>(value: T): T {
    if (!this.active) return value;
    return this.#deep(value) as T;
  }

  #deep(value: unknown): unknown {
    if (typeof value === "string") return this.text(value);
    if (Array.isArray(value)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const v = this.#deep(value[i]);
        if (v === value[i]) continue;
        out ??= value.slice();
        out[i] = v;
      }
      return out ?? value;
    }
    if (value && typeof value === "object" && !ArrayBuffer.isView(value)) {
      let out: Record<string, unknown> | undefined;
      const entries = Object.entries(value);
      for (const [k, v] of entries) {
        const key = this.text(k);
        const inner = this.#deep(v);
        if (key !== k || inner !== v) {
          if (!out) {
            out = {};
            for (const [k2, v2] of entries) Object.defineProperty(out, k2, enumerable(v2));
          }
          if (key !== k) delete out[k];
          Object.defineProperty(out, key, enumerable(inner));
        }
      }
      return out ?? value;
    }
    return value;
  }
}

/** A plain own property, even for a key named `__proto__`. */
const enumerable = (value: unknown): PropertyDescriptor => ({
  value,
  enumerable: true,
  writable: true,
  configurable: true,
});

/**
 * Makes `stream.write` redact what it is given (text, or bytes read as UTF-8) before writing it:
 * for stderr, where the logger and anything else in the process writes.
 */
export function redactStream(stream: NodeJS.WritableStream, redactor: Redactor): void {
  if (!redactor.active) return;
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === "string") return write(redactor.text(chunk), ...rest);
    if (chunk instanceof Uint8Array) {
      const text = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString("utf8");
      const clean = redactor.text(text);
      return write(clean === text ? chunk : Buffer.from(clean, "utf8"), ...rest);
    }
    return write(chunk, ...rest);
  }) as typeof stream.write;
}
