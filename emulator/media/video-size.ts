import { VideoAspectRatio, VideoResolution } from "../../gen/xai/api/v1/video_pb.js";

/** Width:height of each aspect ratio. */
const RATIOS: Readonly<Record<VideoAspectRatio, readonly [number, number]>> = {
  [VideoAspectRatio.VIDEO_ASPECT_RATIO_UNSPECIFIED]: [16, 9],
  [VideoAspectRatio.VIDEO_ASPECT_RATIO_1_1]: [1, 1],
  [VideoAspectRatio.VIDEO_ASPECT_RATIO_16_9]: [16, 9],
  [VideoAspectRatio.VIDEO_ASPECT_RATIO_9_16]: [9, 16],
  [VideoAspectRatio.VIDEO_ASPECT_RATIO_4_3]: [4, 3],
  [VideoAspectRatio.VIDEO_ASPECT_RATIO_3_4]: [3, 4],
  [VideoAspectRatio.VIDEO_ASPECT_RATIO_3_2]: [3, 2],
  [VideoAspectRatio.VIDEO_ASPECT_RATIO_2_3]: [2, 3],
};

/** Pixels on the short side per resolution (unset: 480p). */
const SHORT_SIDE: Readonly<Record<VideoResolution, number>> = {
  [VideoResolution.VIDEO_RESOLUTION_UNSPECIFIED]: 480,
  [VideoResolution.VIDEO_RESOLUTION_480P]: 480,
  [VideoResolution.VIDEO_RESOLUTION_720P]: 720,
  [VideoResolution.VIDEO_RESOLUTION_1080P]: 1080,
};

/** True when `value` is a known aspect ratio. */
export const isVideoAspectRatio = (value: number): value is VideoAspectRatio => value in RATIOS;
/** True when `value` is a known resolution. */
export const isVideoResolution = (value: number): value is VideoResolution => value in SHORT_SIDE;

/**
 * The frame size of a generated video: the short side is 480, 720 or 1080 pixels by resolution
 * (480p when unset), the long side follows the ratio (16:9 when unset), rounded to an even number as
 * 4:2:0 video requires. 16:9 at 480p is 854 × 480, at 720p 1280 × 720, at 1080p 1920 × 1080; 9:16 at
 * 480p is 480 × 854; 4:3 at 480p is 640 × 480.
 */
export function videoSize(
  aspect: VideoAspectRatio,
  resolution: VideoResolution,
): { width: number; height: number } {
  const [w, h] = RATIOS[aspect];
  const short = SHORT_SIDE[resolution];
  const long = 2 * Math.round((short * Math.max(w, h)) / Math.min(w, h) / 2);
  return w >= h ? { width: long, height: short } : { width: short, height: long };
}
