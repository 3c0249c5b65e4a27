/**
 * Stable hashing and seeded randomness for the emulator: the same input gives the same number on
 * every machine and every run, which is what makes emulated answers deterministic.
 */

const encoder = new TextEncoder();

/** 32-bit FNV-1a of the UTF-8 bytes of `text` (or of the given bytes), as an unsigned integer. */
export function fnv1a(input: string | Uint8Array): number {
  const bytes = typeof input === "string" ? encoder.encode(input) : input;
  let h = 0x811c9dc5;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A hash of several parts, where `["ab", "c"]` and `["a", "bc"]` differ. */
export function hashParts(...parts: readonly (string | number)[]): number {
  return fnv1a(parts.map((p) => `${String(p).length}:${p}`).join("|"));
}

/** A seeded pseudo-random generator (mulberry32): numbers in [0, 1), the same sequence per seed. */
export interface Prng {
  /** The next number in [0, 1). */
  next(): number;
  /** The next integer in [0, n). */
  int(n: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
}

/** A generator seeded with a 32-bit integer (use `fnv1a`/`hashParts` to seed it from text). */
export function prng(seed: number): Prng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => {
      const item = items[int(items.length)];
      if (item === undefined) throw new RangeError("pick from an empty list");
      return item;
    },
  };
}
