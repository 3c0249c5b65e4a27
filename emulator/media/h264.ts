import { BitWriter } from "./bit-writer.js";
import type { IndexedPicture } from "./png.js";

/** An H.264 elementary stream: its parameter sets and one NAL unit per frame (no start codes). */
export interface H264Stream {
  readonly sps: Uint8Array;
  readonly pps: Uint8Array;
  /** One coded frame each: the first is an IDR picture, the rest predicted from the one before. */
  readonly frames: readonly Uint8Array[];
}

const NAL_SLICE = 1;
const NAL_IDR = 5;
const NAL_SPS = 7;
const NAL_PPS = 8;
/** `log2_max_frame_num_minus4 = 0`: frame numbers count modulo 16. */
const MAX_FRAME_NUM = 16;
/** `mb_type` of an I_PCM macroblock in an I slice. */
const I_PCM = 25;

/**
 * Encodes a picture as a Constrained Baseline H.264 clip of `frameCount` frames in which the scene
 * slowly drifts up by two pixels every `driftEvery` frames (0: a still picture).
 *
 * The first frame is an IDR picture of uncompressed (I_PCM) macroblocks, which needs no transform or
 * entropy coding of pixels and so is simple and exact. Every later frame is a P picture a few bytes
 * long: either all macroblocks skipped (a copy of the frame before), or all moved by two pixels (one
 * motion vector, no residual; the decoder fills the bottom edge from the last row). Two luma pixels
 * are one whole chroma sample, so repeated moves copy exactly and never blur. The picture's
 * size must be even; it is coded in whole macroblocks and cropped back in the SPS.
 */
export function encodeH264Clip(picture: IndexedPicture, frameCount: number, driftEvery = 0): H264Stream {
  const { width, height } = picture;
  if (width % 2 !== 0 || height % 2 !== 0)
    throw new RangeError("encodeStillH264: width and height must be even");
  const mbWidth = Math.ceil(width / 16);
  const mbHeight = Math.ceil(height / 16);
  const level = mbWidth * mbHeight <= 1620 ? 30 : mbWidth * mbHeight <= 3600 ? 31 : 41;

  const sps = new BitWriter()
    .u(8, 66) // profile_idc: Baseline
    .u(8, 0b1100_0000) // constraint_set0 and set1: Constrained Baseline
    .u(8, level)
    .ue(0) // seq_parameter_set_id
    .ue(0) // log2_max_frame_num_minus4
    .ue(2) // pic_order_cnt_type 2: output order is decoding order
    .ue(1) // max_num_ref_frames
    .u(1, 0) // gaps_in_frame_num_value_allowed_flag
    .ue(mbWidth - 1)
    .ue(mbHeight - 1)
    .u(1, 1) // frame_mbs_only_flag
    .u(1, 1); // direct_8x8_inference_flag
  const cropRight = (mbWidth * 16 - width) / 2;
  const cropBottom = (mbHeight * 16 - height) / 2;
  if (cropRight || cropBottom) sps.u(1, 1).ue(0).ue(cropRight).ue(0).ue(cropBottom);
  else sps.u(1, 0);
  sps.u(1, 0).trailingBits(); // no VUI: the container carries the timing

  const pps = new BitWriter()
    .ue(0) // pic_parameter_set_id
    .ue(0) // seq_parameter_set_id
    .u(1, 0) // entropy_coding_mode_flag: CAVLC
    .u(1, 0) // bottom_field_pic_order_in_frame_present_flag
    .ue(0) // num_slice_groups_minus1
    .ue(0) // num_ref_idx_l0_default_active_minus1
    .ue(0) // num_ref_idx_l1_default_active_minus1
    .u(1, 0) // weighted_pred_flag
    .u(2, 0) // weighted_bipred_idc
    .se(0) // pic_init_qp_minus26
    .se(0) // pic_init_qs_minus26
    .se(0) // chroma_qp_index_offset
    .u(1, 1) // deblocking_filter_control_present_flag
    .u(1, 0) // constrained_intra_pred_flag
    .u(1, 0) // redundant_pic_cnt_present_flag
    .trailingBits();

  const frames = [nal(3, NAL_IDR, idrSlice(picture, mbWidth, mbHeight))];
  const skipped = mbWidth * mbHeight;
  for (let i = 1; i < frameCount; i++) {
    const frameNum = i % MAX_FRAME_NUM;
    const moves = driftEvery > 0 && i % driftEvery === 0;
    frames.push(nal(2, NAL_SLICE, moves ? driftSlice(frameNum, skipped) : skipSlice(frameNum, skipped)));
  }
  return { sps: nal(3, NAL_SPS, sps.bytes()), pps: nal(3, NAL_PPS, pps.bytes()), frames };
}

function idrSlice(picture: IndexedPicture, mbWidth: number, mbHeight: number): Uint8Array {
  const w = new BitWriter()
    .ue(0) // first_mb_in_slice
    .ue(7) // slice_type: I (all slices of the picture)
    .ue(0) // pic_parameter_set_id
    .u(4, 0) // frame_num
    .ue(0) // idr_pic_id
    .u(1, 0) // no_output_of_prior_pics_flag
    .u(1, 0) // long_term_reference_flag
    .se(0) // slice_qp_delta
    .ue(1); // disable_deblocking_filter_idc: off (nothing to smooth between exact samples)
  const { y, u, v, stride, chromaStride } = toYuv420(picture, mbWidth * 16, mbHeight * 16);
  const block = new Uint8Array(384);
  for (let my = 0; my < mbHeight; my++) {
    for (let mx = 0; mx < mbWidth; mx++) {
      w.ue(I_PCM).alignZero();
      for (let r = 0; r < 16; r++) {
        const from = (my * 16 + r) * stride + mx * 16;
        block.set(y.subarray(from, from + 16), r * 16);
      }
      for (let r = 0; r < 8; r++) {
        const from = (my * 8 + r) * chromaStride + mx * 8;
        block.set(u.subarray(from, from + 8), 256 + r * 8);
        block.set(v.subarray(from, from + 8), 320 + r * 8);
      }
      w.raw(block);
    }
  }
  return w.trailingBits().bytes();
}

/** The P slice header shared by every predicted frame. */
function pSliceHeader(frameNum: number): BitWriter {
  return new BitWriter()
    .ue(0) // first_mb_in_slice
    .ue(5) // slice_type: P (all slices of the picture)
    .ue(0) // pic_parameter_set_id
    .u(4, frameNum)
    .u(1, 0) // num_ref_idx_active_override_flag
    .u(1, 0) // ref_pic_list_modification_flag_l0
    .u(1, 0) // adaptive_ref_pic_marking_mode_flag: sliding window
    .se(0) // slice_qp_delta
    .ue(1); // disable_deblocking_filter_idc
}

function skipSlice(frameNum: number, macroblocks: number): Uint8Array {
  return pSliceHeader(frameNum)
    .ue(macroblocks) // mb_skip_run: the whole picture
    .trailingBits()
    .bytes();
}

/**
 * A P slice whose macroblocks are all P_L0_16x16 with the motion vector (0, +2 pixels) and no
 * residual. The vector predicted for each macroblock is its neighbours' median, which is the same
 * vector everywhere but at the first macroblock (no neighbours: predicted zero), so only that one
 * sends a difference.
 */
function driftSlice(frameNum: number, macroblocks: number): Uint8Array {
  const w = pSliceHeader(frameNum);
  for (let i = 0; i < macroblocks; i++) {
    w.ue(0) // mb_skip_run
      .ue(0) // mb_type P_L0_16x16
      .se(0) // mvd x
      .se(i === 0 ? 8 : 0) // mvd y, in quarter pixels
      .ue(0); // coded_block_pattern 0 (inter mapping): no residual
  }
  return w.trailingBits().bytes();
}

/** A NAL unit: header byte, then the payload with emulation-prevention bytes inserted. */
function nal(refIdc: number, type: number, rbsp: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + rbsp.byteLength + Math.ceil(rbsp.byteLength / 2));
  out[0] = (refIdc << 5) | type;
  let n = 1;
  let zeros = 0;
  for (const byte of rbsp) {
    if (zeros >= 2 && byte <= 3) {
      out[n++] = 3;
      zeros = 0;
    }
    out[n++] = byte;
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return out.slice(0, n);
}

/**
 * The picture as 8-bit 4:2:0 YCbCr (BT.601, video range), padded to the coded size by repeating the
 * last column and row; chroma is the average of each 2 × 2 block.
 */
function toYuv420(picture: IndexedPicture, codedWidth: number, codedHeight: number) {
  const { width, height, palette, pixels } = picture;
  const py = new Uint8Array(palette.length);
  const pu = new Float64Array(palette.length);
  const pv = new Float64Array(palette.length);
  for (const [i, [r, g, b]] of palette.entries()) {
    py[i] = Math.round(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255);
    pu[i] = 128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255;
    pv[i] = 128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255;
  }
  const at = (x: number, yy: number) =>
    pixels[Math.min(yy, height - 1) * width + Math.min(x, width - 1)] as number;
  const y = new Uint8Array(codedWidth * codedHeight);
  for (let r = 0; r < codedHeight; r++) {
    for (let c = 0; c < codedWidth; c++) y[r * codedWidth + c] = py[at(c, r)] as number;
  }
  const chromaStride = codedWidth / 2;
  const u = new Uint8Array(chromaStride * (codedHeight / 2));
  const v = new Uint8Array(u.length);
  for (let r = 0; r < codedHeight / 2; r++) {
    for (let c = 0; c < chromaStride; c++) {
      const ids = [at(2 * c, 2 * r), at(2 * c + 1, 2 * r), at(2 * c, 2 * r + 1), at(2 * c + 1, 2 * r + 1)];
      u[r * chromaStride + c] = Math.round(ids.reduce((s, i) => s + (pu[i] as number), 0) / 4);
      v[r * chromaStride + c] = Math.round(ids.reduce((s, i) => s + (pv[i] as number), 0) / 4);
    }
  }
  return { y, u, v, stride: codedWidth, chromaStride };
}
