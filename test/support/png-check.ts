import { inflateSync } from "node:zlib";
import { crc32 } from "../../emulator/media/crc32.js";

/** What a full decode of a PNG found. */
export interface DecodedPng {
  readonly width: number;
  readonly height: number;
  /** Bytes of the decompressed image data (filter bytes included). */
  readonly rawBytes: number;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * Decodes a PNG far enough to prove a viewer can: signature, every chunk's CRC, IHDR, IEND, and the
 * IDAT stream inflating to exactly the size the header implies (non-interlaced images). Throws with
 * the reason otherwise.
 */
export function decodePng(bytes: Uint8Array): DecodedPng {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!signature.every((b, i) => bytes[i] === b)) throw new Error("no PNG signature");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8;
  let width = 0;
  let height = 0;
  let depth = 0;
  let colour = 0;
  let interlace = 0;
  const idat: Uint8Array[] = [];
  let ended = false;
  while (offset < bytes.byteLength) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    const crc = view.getUint32(offset + 8 + length);
    if (crc32(bytes.subarray(offset + 4, offset + 8 + length)) !== crc) throw new Error(`bad CRC in ${type}`);
    if (type === "IHDR") {
      const h = new DataView(data.buffer, data.byteOffset, data.byteLength);
      width = h.getUint32(0);
      height = h.getUint32(4);
      depth = data[8] ?? 0;
      colour = data[9] ?? 0;
      interlace = data[12] ?? 0;
    } else if (type === "IDAT") {
      idat.push(data);
    } else if (type === "IEND") {
      ended = true;
      break;
    }
    offset += 12 + length;
  }
  if (!ended) throw new Error("no IEND chunk");
  if (width === 0 || height === 0) throw new Error("no IHDR size");
  if (interlace !== 0) throw new Error("interlaced images are not checked");
  const raw = inflateSync(Buffer.concat(idat));
  const bitsPerPixel = depth * (CHANNELS[colour] ?? 0);
  const expected = height * (1 + Math.ceil((width * bitsPerPixel) / 8));
  if (raw.byteLength !== expected)
    throw new Error(`image data is ${raw.byteLength} bytes, expected ${expected}`);
  return { width, height, rawBytes: raw.byteLength };
}
