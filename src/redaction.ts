/**
 * The last line of defence for the keys: every string that leaves the process (stdout messages,
 * stderr lines, log notifications) passes through a {@link Redactor} first, so that a hostile or
 * misconfigured host cannot echo a key back through an answer.
 *
 * What counts as the key: any run of {@link WINDOW} or more characters of the key itself, or of its
 * base64, base64url or URL-encoded form (at all three byte alignments, so that a fragment encoded on
 * its own is caught too).
 *
 * The scan reads one 4-character block in four: any run of 8 characters contains a whole block that
 * starts at a multiple of 4. Each block (as one 32-bit number) is looked up in the set of blocks of
 * the keys' windows, through a byte filter that rejects almost every block of ordinary text at the
 * cost of one array read; only a block found there makes the windows around it be compared. About a
 * twentieth of the time a rolling hash over every position takes.
 */

/** The shortest run of a key's characters that counts as a leak. */
export const WINDOW = 8;

/** What a leaked run is replaced with. */
export const REDACTED = "[redacted]";

const BLOCK = 4;
const FILTER_BITS = 16;

/** Four Latin-1 characters as one number; -1 when one of them is beyond Latin-1. */
function blockAt(text: string, i: number): number {
  const a = text.charCodeAt(i);
  const b = text.charCodeAt(i + 1);
  const c = text.charCodeAt(i + 2);
  const d = text.charCodeAt(i + 3);
  if ((a | b | c | d) > 0xff) return -1;
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

const slot = (block: number) => Math.imul(block, 0x9e3779b1) >>> (32 - FILTER_BITS);

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
  /** Every window of {@link WINDOW} characters of every form of every key. */
  readonly #windows = new Set<string>();
  /** Every block of {@link BLOCK} characters of those windows. */
  readonly #blocks = new Set<number>();
  /** One byte per hash slot of {@link #blocks}: most blocks of a text stop here. */
  readonly #filter = new Uint8Array(1 << FILTER_BITS);
  /** Forms with characters beyond Latin-1, which blocks cannot index: searched whole. */
  readonly #wide: string[] = [];
  readonly #short: string[];
  /** {@link #wide} and {@link #short} together: what is searched whole. */
  readonly #whole: string[];
  readonly active: boolean;

  constructor(secrets: readonly (string | undefined)[]) {
    for (const secret of secrets) {
      if (!secret || secret.length < WINDOW) continue;
      for (const form of secretForms(secret)) {
        if ([...form].some((ch) => ch.charCodeAt(0) > 0xff)) {
          this.#wide.push(form);
          continue;
        }
        for (let i = 0; i + WINDOW <= form.length; i++) this.#windows.add(form.slice(i, i + WINDOW));
        for (let i = 0; i + BLOCK <= form.length; i++) {
          const block = blockAt(form, i);
          this.#blocks.add(block);
          this.#filter[slot(block)] = 1;
        }
      }
    }
    // A key shorter than a window is caught whole.
    this.#short = secrets.filter((s): s is string => !!s && s.length >= 4 && s.length < WINDOW);
    this.#whole = [...this.#wide, ...this.#short];
    this.active = this.#windows.size > 0 || this.#whole.length > 0;
  }

  /** The text with every leaked run replaced by {@link REDACTED}; the same string when clean. */
  text(text: string): string {
    if (!this.active || text.length < 4) return text;
    let out = text.length >= WINDOW && this.#windows.size > 0 ? this.#scan(text) : text;
    for (const s of this.#whole) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  }

  #scan(text: string): string {
    const n = text.length;
    const filter = this.#filter;
    // Covered ranges, merged as they are found (in increasing order): [start, end) pairs.
    let ranges: number[] | undefined;
    for (let p = 0; p + BLOCK <= n; p += BLOCK) {
      const block = blockAt(text, p);
      if (block < 0 || filter[slot(block)] === 0 || !this.#blocks.has(block)) continue;
      // The windows that hold this block whole start from p - 4 to p.
      for (let s = Math.max(0, p - (WINDOW - BLOCK)); s <= p && s + WINDOW <= n; s++) {
        if (!this.#windows.has(text.slice(s, s + WINDOW))) continue;
        ranges ??= [];
        const last = ranges.length - 1;
        if (last > 0 && (ranges[last] as number) >= s) ranges[last] = s + WINDOW;
        else ranges.push(s, s + WINDOW);
      }
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
      const object = value as Record<string, unknown>;
      for (const k in object) {
        if (!Object.hasOwn(object, k)) continue;
        const v = object[k];
        const key = this.text(k);
        const inner = this.#deep(v);
        if (key === k && inner === v) continue;
        if (!out) {
          out = {};
          for (const k2 of Object.keys(object)) Object.defineProperty(out, k2, enumerable(object[k2]));
        }
        if (key !== k) delete out[k];
        Object.defineProperty(out, key, enumerable(inner));
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
