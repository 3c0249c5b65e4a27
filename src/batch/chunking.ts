import { MAX_MESSAGE_BYTES } from "../grpc/channel-options.js";

/** Most requests one AddBatchRequests call carries, whatever their size: keeps each call short. */
export const MAX_CHUNK_REQUESTS = 1000;

/**
 * Room left in each message for the envelope (the batch id) and for the server's own accounting, so
 * a chunk measured at the limit is never refused for a few bytes.
 */
export const CHUNK_HEADROOM_BYTES = 64 * 1024;

/** Largest encoded AddBatchRequests message a chunk may make. */
export const MAX_CHUNK_BYTES = MAX_MESSAGE_BYTES - CHUNK_HEADROOM_BYTES;

/** Bytes a varint of `n` takes on the wire. */
export function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size += 1;
  }
  return size;
}

/**
 * Bytes one element of a repeated message field adds to its parent: the tag (one byte for field
 * numbers below 16), the length prefix, and the element itself.
 */
export function elementSize(encodedBytes: number): number {
  return 1 + varintSize(encodedBytes) + encodedBytes;
}

/** One chunk: a run of consecutive items, by index. */
export interface Chunk {
  /** Index of the first item. */
  readonly start: number;
  /** Index after the last item. */
  readonly end: number;
  /** Encoded size of the items as elements of the repeated field. */
  readonly bytes: number;
}

/** Limits of a chunk. */
export interface ChunkLimits {
  readonly maxBytes: number;
  readonly maxCount: number;
}

/**
 * Splits items, in order, into the fewest consecutive runs each within `maxBytes` (the sum of the
 * items' {@link elementSize}s, plus `envelopeBytes`) and `maxCount`. Order is kept so that the
 * requests are queued in file order. An item too big for any chunk throws: it is the caller's job
 * to refuse those first.
 */
export function planChunks(
  sizes: readonly number[],
  envelopeBytes: number,
  limits: ChunkLimits = { maxBytes: MAX_CHUNK_BYTES, maxCount: MAX_CHUNK_REQUESTS },
): Chunk[] {
  const chunks: Chunk[] = [];
  let start = 0;
  let bytes = envelopeBytes;
  sizes.forEach((size, i) => {
    const element = elementSize(size);
    if (envelopeBytes + element > limits.maxBytes) {
      throw new Error(
        `item ${i} is ${size} bytes encoded, more than a chunk can hold (${limits.maxBytes} bytes)`,
      );
    }
    if (i > start && (bytes + element > limits.maxBytes || i - start >= limits.maxCount)) {
      chunks.push({ start, end: i, bytes });
      start = i;
      bytes = envelopeBytes;
    }
    bytes += element;
  });
  if (sizes.length > start) chunks.push({ start, end: sizes.length, bytes });
  return chunks;
}
