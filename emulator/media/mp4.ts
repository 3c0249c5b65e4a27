import type { H264Stream } from "./h264.js";

/** What the MP4 file says about itself. */
export interface Mp4Options {
  readonly width: number;
  readonly height: number;
  /** Frames per second. */
  readonly fps: number;
  /** A note stored in a `free` box at the start of the file (e.g. that it was emulated). */
  readonly note?: string;
}

const encoder = new TextEncoder();
const MOVIE_TIMESCALE = 1000;

/** A box: 32-bit size, four-character type, then the payload parts. */
function box(type: string, ...parts: Uint8Array[]): Uint8Array {
  const size = 8 + parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, size);
  out.set(encoder.encode(type), 4);
  let offset = 8;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

/** A full box: a box whose payload starts with a version byte and 24 bits of flags. */
const fullBox = (type: string, version: number, flags: number, ...parts: Uint8Array[]) =>
  box(type, u32((version << 24) | flags), ...parts);

function u32(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (const [i, v] of values.entries()) view.setUint32(i * 4, v >>> 0);
  return out;
}

function u16(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  for (const [i, v] of values.entries()) view.setUint16(i * 2, v & 0xffff);
  return out;
}

const u8 = (...values: number[]) => Uint8Array.from(values);
/** The identity transformation matrix of `mvhd` and `tkhd`. */
const MATRIX = u32(0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000);

/**
 * Wraps an H.264 stream in an MP4 file (ISO base media, `ftyp` + `moov` + `mdat`, the index first so
 * a player can start before the end arrives): one video track, constant frame rate, every frame in
 * one chunk, the first frame a sync sample.
 */
export function muxMp4(stream: H264Stream, options: Mp4Options): Uint8Array {
  const { width, height, fps } = options;
  const count = stream.frames.length;
  const mediaTimescale = fps * 1000;
  const mediaDuration = count * 1000;
  const movieDuration = Math.round((count * MOVIE_TIMESCALE) / fps);
  // Each sample is the frame's NAL unit behind a 4-byte length (avcC lengthSizeMinusOne = 3).
  const samples = stream.frames.map((f) => {
    const out = new Uint8Array(4 + f.byteLength);
    new DataView(out.buffer).setUint32(0, f.byteLength);
    out.set(f, 4);
    return out;
  });

  const ftyp = box("ftyp", encoder.encode("isom"), u32(0x200), encoder.encode("isomiso2avc1mp41"));
  const free = box("free", encoder.encode(options.note ?? ""));
  const moovFor = (chunkOffset: number) => {
    const avcC = box(
      "avcC",
      u8(1, stream.sps[1] ?? 66, stream.sps[2] ?? 0, stream.sps[3] ?? 30, 0xff, 0xe1),
      u16(stream.sps.byteLength),
      stream.sps,
      u8(1),
      u16(stream.pps.byteLength),
      stream.pps,
    );
    const compressor = new Uint8Array(32);
    const name = encoder.encode("emulated H.264");
    compressor[0] = name.byteLength;
    compressor.set(name, 1);
    const avc1 = box(
      "avc1",
      new Uint8Array(6),
      u16(1), // data_reference_index
      new Uint8Array(16),
      u16(width, height),
      u32(0x00480000, 0x00480000, 0), // 72 dpi, reserved
      u16(1), // frame_count
      compressor,
      u16(0x0018, 0xffff), // depth, pre_defined
      avcC,
    );
    const stbl = box(
      "stbl",
      fullBox("stsd", 0, 0, u32(1), avc1),
      fullBox("stts", 0, 0, u32(1, count, 1000)),
      fullBox("stss", 0, 0, u32(1, 1)),
      fullBox("stsc", 0, 0, u32(1, 1, count, 1)),
      fullBox("stsz", 0, 0, u32(0, count, ...samples.map((s) => s.byteLength))),
      fullBox("stco", 0, 0, u32(1, chunkOffset)),
    );
    const minf = box(
      "minf",
      fullBox("vmhd", 0, 1, u16(0, 0, 0, 0)),
      box("dinf", fullBox("dref", 0, 0, u32(1), fullBox("url ", 0, 1))),
      stbl,
    );
    const mdia = box(
      "mdia",
      fullBox("mdhd", 0, 0, u32(0, 0, mediaTimescale, mediaDuration), u16(0x55c4, 0)), // language "und"
      fullBox("hdlr", 0, 0, u32(0), encoder.encode("vide"), u32(0, 0, 0), encoder.encode("Emulated video\0")),
      minf,
    );
    const tkhd = fullBox(
      "tkhd",
      0,
      3, // enabled, in movie
      u32(0, 0, 1, 0, movieDuration, 0, 0),
      u16(0, 0, 0, 0), // layer, alternate group, volume, reserved
      MATRIX,
      u32(width * 65536, height * 65536),
    );
    const mvhd = fullBox(
      "mvhd",
      0,
      0,
      u32(0, 0, MOVIE_TIMESCALE, movieDuration, 0x00010000),
      u16(0x0100, 0),
      u32(0, 0),
      MATRIX,
      u32(0, 0, 0, 0, 0, 0, 2), // pre_defined, next_track_ID
    );
    return box("moov", mvhd, box("trak", tkhd, mdia));
  };
  const headerSize = ftyp.byteLength + free.byteLength;
  // The chunk offset does not change the index's size, so one dry run finds where mdat's data starts.
  const moovSize = moovFor(0).byteLength;
  const moov = moovFor(headerSize + moovSize + 8);
  const mdat = box("mdat", ...samples);
  const out = new Uint8Array(headerSize + moov.byteLength + mdat.byteLength);
  out.set(ftyp, 0);
  out.set(free, ftyp.byteLength);
  out.set(moov, headerSize);
  out.set(mdat, headerSize + moov.byteLength);
  return out;
}

/** What an MP4 file's index says about it. */
export interface Mp4Info {
  /** From the movie header, in seconds. */
  readonly durationSeconds: number;
  /** From the first track's header, in pixels; 0 when it has none (e.g. audio only). */
  readonly width: number;
  readonly height: number;
}

/**
 * Reads the duration (`moov/mvhd`) and the first track's size (`moov/trak/tkhd`) of an MP4 file, or
 * undefined when the bytes are not an MP4 file with a movie header.
 */
export function mp4Info(bytes: Uint8Array): Mp4Info | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const find = (type: string, from: number, to: number): [number, number] | undefined => {
    let offset = from;
    while (offset + 8 <= to) {
      const size = view.getUint32(offset);
      if (size < 8 || offset + size > to) return undefined;
      if (String.fromCharCode(...bytes.subarray(offset + 4, offset + 8)) === type)
        return [offset + 8, offset + size];
      offset += size;
    }
    return undefined;
  };
  const moov = find("moov", 0, bytes.byteLength);
  const mvhd = moov && find("mvhd", moov[0], moov[1]);
  if (!moov || !mvhd || mvhd[1] - mvhd[0] < 32) return undefined;
  const v1 = view.getUint8(mvhd[0]) === 1;
  const timescale = view.getUint32(mvhd[0] + (v1 ? 20 : 12));
  const duration = v1 ? Number(view.getBigUint64(mvhd[0] + 24)) : view.getUint32(mvhd[0] + 16);
  if (timescale === 0) return undefined;
  const trak = find("trak", moov[0], moov[1]);
  const tkhd = trak && find("tkhd", trak[0], trak[1]);
  // width and height are the last two 16.16 fixed-point fields of tkhd.
  const size =
    tkhd && tkhd[1] - tkhd[0] >= 84
      ? { width: view.getUint32(tkhd[1] - 8) >>> 16, height: view.getUint32(tkhd[1] - 4) >>> 16 }
      : { width: 0, height: 0 };
  return { durationSeconds: duration / timescale, ...size };
}
