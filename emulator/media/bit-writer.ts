/**
 * Writes a bit stream most significant bit first, with the Exp-Golomb codes H.264 headers use.
 * Grows as needed; `bytes()` returns what was written (the last byte zero-padded).
 */
export class BitWriter {
  #buffer = new Uint8Array(256);
  #bitLength = 0;

  /** Writes the low `count` bits of `value` (count ≤ 32). */
  u(count: number, value: number): this {
    for (let i = count - 1; i >= 0; i--) this.#bit((value >>> i) & 1);
    return this;
  }

  /** Writes an unsigned Exp-Golomb code, `ue(v)`. */
  ue(value: number): this {
    const code = value + 1;
    const length = Math.floor(Math.log2(code)) + 1;
    this.u(length - 1, 0);
    return this.u(length, code);
  }

  /** Writes a signed Exp-Golomb code, `se(v)`: 0, 1, -1, 2, -2… map to 0, 1, 2, 3, 4… */
  se(value: number): this {
    return this.ue(value > 0 ? 2 * value - 1 : -2 * value);
  }

  /** Writes zero bits up to the next byte boundary. */
  alignZero(): this {
    while (this.#bitLength % 8 !== 0) this.#bit(0);
    return this;
  }

  /** Writes whole bytes; the stream must be byte-aligned. */
  raw(bytes: Uint8Array): this {
    if (this.#bitLength % 8 !== 0) throw new Error("BitWriter.raw: not byte-aligned");
    this.#reserve(bytes.byteLength);
    this.#buffer.set(bytes, this.#bitLength / 8);
    this.#bitLength += bytes.byteLength * 8;
    return this;
  }

  /** `rbsp_trailing_bits()`: a one bit, then zeros to the byte boundary. */
  trailingBits(): this {
    this.#bit(1);
    return this.alignZero();
  }

  get byteAligned(): boolean {
    return this.#bitLength % 8 === 0;
  }

  bytes(): Uint8Array {
    return this.#buffer.slice(0, Math.ceil(this.#bitLength / 8));
  }

  #bit(bit: number) {
    this.#reserve(1);
    if (bit) {
      const index = this.#bitLength >>> 3;
      this.#buffer[index] = (this.#buffer[index] as number) | (0x80 >>> (this.#bitLength & 7));
    }
    this.#bitLength += 1;
  }

  #reserve(bytes: number) {
    const needed = Math.ceil(this.#bitLength / 8) + bytes + 1;
    if (needed <= this.#buffer.byteLength) return;
    const next = new Uint8Array(Math.max(needed, this.#buffer.byteLength * 2));
    next.set(this.#buffer);
    this.#buffer = next;
  }
}
