import { promisify } from "node:util";
import { deflate } from "node:zlib";
import { crc32 } from "./crc32.js";

const deflateAsync = promisify(deflate);

/** The eight bytes every PNG file starts with. */
export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** A colour: red, green, blue, 0–255 each. */
export type Rgb = readonly [number, number, number];

/** A palette picture: one byte per pixel (row by row, top to bottom), each an index into `palette`. */
export interface IndexedPicture {
  readonly width: number;
  readonly height: number;
  /** 1 to 256 colours. */
  readonly palette: readonly Rgb[];
  readonly pixels: Uint8Array;
}

/**
 * Encodes a palette picture as a PNG file (8-bit indexed colour, no filtering, no interlace), with
 * optional `tEXt` entries (Latin-1; other characters become `?`).
 *
 * Indexed colour keeps the work small: the raw image is one byte per pixel plus one filter byte per
 * row, copied row by row, and deflate (run off the main thread) does the rest.
 */
export async function encodePng(
  picture: IndexedPicture,
  text: Readonly<Record<string, string>> = {},
): Promise<Uint8Array> {
  const { width, height, palette, pixels } = picture;
  if (pixels.byteLength !== width * height) throw new RangeError("encodePng: pixels has the wrong size");
  if (palette.length < 1 || palette.length > 256) throw new RangeError("encodePng: 1 to 256 colours");
  const raw = new Uint8Array(height * (width + 1));
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, 3, 0, 0, 0], 8); // bit depth 8, indexed colour, deflate, adaptive filtering, no interlace
  const chunks = [chunk("IHDR", ihdr), chunk("PLTE", Uint8Array.from(palette.flat()))];
  for (const [key, value] of Object.entries(text)) {
    chunks.push(chunk("tEXt", concat([latin1(key.slice(0, 79)), Uint8Array.of(0), latin1(value)])));
  }
  chunks.push(chunk("IDAT", new Uint8Array(await deflateAsync(raw))), chunk("IEND", new Uint8Array(0)));
  return concat([PNG_SIGNATURE, ...chunks]);
}

/** Width and height from a PNG's header, or undefined when `bytes` is not a PNG. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (bytes.byteLength < 24 || !PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (String.fromCharCode(...bytes.subarray(12, 16)) !== "IHDR") return undefined;
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  return width > 0 && height > 0 ? { width, height } : undefined;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.byteLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.byteLength);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.byteLength, crc32(out.subarray(4, 8 + data.byteLength)));
  return out;
}

function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => {
    const code = ch.charCodeAt(0);
    return code < 256 && (code === 10 || (code >= 32 && code !== 127)) ? code : 0x3f;
  });
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}
