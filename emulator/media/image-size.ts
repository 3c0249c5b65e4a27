import { ImageAspectRatio, ImageResolution } from "../../gen/xai/api/v1/image_pb.js";

/** Width:height of each aspect ratio (AUTO and unset are square). */
const RATIOS: Readonly<Record<ImageAspectRatio, readonly [number, number]>> = {
  [ImageAspectRatio.IMG_ASPECT_RATIO_INVALID]: [1, 1],
  [ImageAspectRatio.IMG_ASPECT_RATIO_AUTO]: [1, 1],
  [ImageAspectRatio.IMG_ASPECT_RATIO_1_1]: [1, 1],
  [ImageAspectRatio.IMG_ASPECT_RATIO_3_4]: [3, 4],
  [ImageAspectRatio.IMG_ASPECT_RATIO_4_3]: [4, 3],
  [ImageAspectRatio.IMG_ASPECT_RATIO_9_16]: [9, 16],
  [ImageAspectRatio.IMG_ASPECT_RATIO_16_9]: [16, 9],
  [ImageAspectRatio.IMG_ASPECT_RATIO_2_3]: [2, 3],
  [ImageAspectRatio.IMG_ASPECT_RATIO_3_2]: [3, 2],
  [ImageAspectRatio.IMG_ASPECT_RATIO_9_19_5]: [9, 19.5],
  [ImageAspectRatio.IMG_ASPECT_RATIO_19_5_9]: [19.5, 9],
  [ImageAspectRatio.IMG_ASPECT_RATIO_9_20]: [9, 20],
  [ImageAspectRatio.IMG_ASPECT_RATIO_20_9]: [20, 9],
  [ImageAspectRatio.IMG_ASPECT_RATIO_1_2]: [1, 2],
  [ImageAspectRatio.IMG_ASPECT_RATIO_2_1]: [2, 1],
};

/** Pixels on the long side per resolution: 1K = 1024 (also unset), 2K = 2048. */
const LONG_SIDE: Readonly<Record<ImageResolution, number>> = {
  [ImageResolution.IMG_RESOLUTION_INVALID]: 1024,
  [ImageResolution.IMG_RESOLUTION_1K]: 1024,
  [ImageResolution.IMG_RESOLUTION_2K]: 2048,
};

/** True when `value` is a known aspect ratio. */
export const isImageAspectRatio = (value: number): value is ImageAspectRatio => value in RATIOS;
/** True when `value` is a known resolution. */
export const isImageResolution = (value: number): value is ImageResolution => value in LONG_SIDE;

/**
 * The pixel size of a generated image: the long side is 1024 (1K, the default) or 2048 (2K), the
 * short side follows the ratio, rounded to the nearest pixel. 1:1 at 1K is 1024 × 1024, 16:9 is
 * 1024 × 576, 9:19.5 is 473 × 1024; at 2K, 16:9 is 2048 × 1152. `base` (the width:height of an
 * input image) replaces an unset or AUTO ratio, so an edit keeps its input's shape.
 */
export function imageSize(
  aspect: ImageAspectRatio,
  resolution: ImageResolution,
  base?: { width: number; height: number },
): { width: number; height: number } {
  const auto =
    aspect === ImageAspectRatio.IMG_ASPECT_RATIO_INVALID || aspect === ImageAspectRatio.IMG_ASPECT_RATIO_AUTO;
  const [w, h] = auto && base ? [base.width, base.height] : RATIOS[aspect];
  const long = LONG_SIDE[resolution];
  return w >= h
    ? { width: long, height: Math.max(1, Math.round((long * h) / w)) }
    : { width: Math.max(1, Math.round((long * w) / h)), height: long };
}
