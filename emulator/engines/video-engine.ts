import { create } from "@bufbuild/protobuf";
import type { ImageGenerationModel } from "../../gen/xai/api/v1/models_pb.js";
import {
  type ExtendVideoRequest,
  type GenerateVideoRequest,
  VideoAspectRatio,
  VideoResolution,
  type VideoResponse,
  VideoResponseSchema,
} from "../../gen/xai/api/v1/video_pb.js";
import type { EngineDeps } from "../context.js";
import { invalidArgument } from "../errors.js";
import { encodeH264Clip } from "../media/h264.js";
import { resolveImageInput } from "../media/image-input.js";
import { muxMp4 } from "../media/mp4.js";
import { paintLandscape } from "../media/picture.js";
import { pngSize } from "../media/png.js";
import { checkStorageOptions, outputFilename, storeOutput } from "../media/storage.js";
import { type ResolvedVideo, resolveVideoInput } from "../media/video-input.js";
import { isVideoAspectRatio, isVideoResolution, videoSize } from "../media/video-size.js";
import { hashParts } from "../text/hash.js";
import { IMAGE_INPUT_TOKENS, TICKS_PER_CENT } from "./image-engine.js";

/** Frames per second of every emulated video. */
export const VIDEO_FPS = 24;
/** Length of a new video when `duration` is unset, in seconds. */
export const DEFAULT_VIDEO_SECONDS = 6;
/** Accepted `duration` of GenerateVideo, in seconds. */
export const GENERATE_SECONDS = { min: 1, max: 15 } as const;
/** Accepted `duration` (new footage) of ExtendVideo, and accepted length of the clip it extends. */
export const EXTEND_SECONDS = { min: 2, max: 10 } as const;
export const EXTENDABLE_SECONDS = { min: 2, max: 15 } as const;
/** Every this many frames the scene drifts up two pixels: a slow, visible camera move. */
const DRIFT_EVERY_FRAMES = 6;

/** Renders videos; used by Video itself (deferred) and by Batch (at once). */
export interface VideoEngine {
  /** Validates and renders a video now, publishing it on the media host. */
  render(request: GenerateVideoRequest | ExtendVideoRequest): Promise<VideoResponse>;
  /**
   * Validates a request as GenerateVideo / ExtendVideo do before answering with a request id:
   * throws `INVALID_ARGUMENT` or `NOT_FOUND` (unknown model, input file or served URL).
   */
  validate(request: GenerateVideoRequest | ExtendVideoRequest): void;
}

/** A request, checked, with everything rendering needs. */
interface VideoPlan {
  readonly model: ImageGenerationModel;
  readonly prompt: string;
  readonly promptTokens: number;
  readonly imageInputs: number;
  readonly seed: number;
  readonly width: number;
  readonly height: number;
  readonly seconds: number;
}

const isExtend = (r: GenerateVideoRequest | ExtendVideoRequest): r is ExtendVideoRequest =>
  r.$typeName === "xai_api.ExtendVideoRequest";

/**
 * The emulator's video generator. A video is a real, playable MP4 file (H.264 Constrained Baseline,
 * 24 fps, no audio track): a landscape painted from a hash of the request that drifts slowly upwards
 * for the requested length, sized by aspect ratio and resolution (see `videoSize`). ExtendVideo of a
 * clip the emulator can read (one it made, or an uploaded MP4) returns the clip's length plus the
 * new footage, in the clip's frame size.
 */
export function createVideoEngine(deps: EngineDeps): VideoEngine {
  const plan = (request: GenerateVideoRequest | ExtendVideoRequest): VideoPlan => {
    const prompt = request.prompt;
    if (prompt.trim() === "") throw invalidArgument("prompt must not be empty");
    if (request.model.trim() === "") throw invalidArgument("model must be set, e.g. grok-imagine-video");
    const model = deps.catalog.video(request.model);
    const promptTokens = deps.tokenizer.count(prompt);
    if (promptTokens > model.maxPromptLength) {
      throw invalidArgument(
        `prompt is ${promptTokens} tokens; ${model.name} accepts at most ${model.maxPromptLength}`,
      );
    }
    checkStorageOptions(request.storageOptions);
    return isExtend(request)
      ? planExtend(request, model, promptTokens)
      : planGenerate(request, model, promptTokens);
  };

  const planGenerate = (
    request: GenerateVideoRequest,
    model: ImageGenerationModel,
    promptTokens: number,
  ): VideoPlan => {
    const aspect = request.aspectRatio ?? VideoAspectRatio.VIDEO_ASPECT_RATIO_UNSPECIFIED;
    if (!isVideoAspectRatio(aspect)) throw invalidArgument(`aspect_ratio has an unknown value ${aspect}`);
    const resolution = request.resolution ?? VideoResolution.VIDEO_RESOLUTION_UNSPECIFIED;
    if (!isVideoResolution(resolution))
      throw invalidArgument(`resolution has an unknown value ${resolution}`);
    const image = request.image ? resolveImageInput(deps, request.image, "image") : undefined;
    const references = request.referenceImages.map((img, i) =>
      resolveImageInput(deps, img, `reference_images[${i}]`),
    );
    const video = request.video ? resolveVideoInput(deps, request.video, "video") : undefined;
    for (const [i, audio] of request.referenceAudios.entries()) {
      if (audio.source.case !== "voiceId" || audio.source.value.trim() === "") {
        throw invalidArgument(`reference_audios[${i}].voice_id must be set`);
      }
    }
    // An edit keeps its clip's length unless told otherwise.
    const seconds =
      request.duration ?? (video?.info ? Math.round(video.info.durationSeconds) : DEFAULT_VIDEO_SECONDS);
    if (!Number.isInteger(seconds) || seconds < GENERATE_SECONDS.min || seconds > GENERATE_SECONDS.max) {
      throw invalidArgument(
        `duration must be between ${GENERATE_SECONDS.min} and ${GENERATE_SECONDS.max} seconds, got ${seconds}`,
      );
    }
    // With no ratio asked for, a portrait starting image gives a portrait video.
    const start = image?.bytes ? pngSize(image.bytes) : undefined;
    const shape =
      aspect === VideoAspectRatio.VIDEO_ASPECT_RATIO_UNSPECIFIED && start && start.height > start.width
        ? VideoAspectRatio.VIDEO_ASPECT_RATIO_9_16
        : aspect;
    // An edit keeps its clip's frame size unless a shape or resolution is asked for.
    const asked = request.aspectRatio !== undefined || request.resolution !== undefined;
    const size = video?.info?.width && !asked ? sizeOf(video) : videoSize(shape, resolution);
    const inputs = [image, ...references].filter((i) => i !== undefined);
    const seed = hashParts(
      "video",
      model.name,
      request.prompt,
      inputs.map((i) => i.digest).join(","),
      video?.digest ?? "",
      request.generateAudio === true ? "audio" : "",
    );
    return {
      model,
      prompt: request.prompt,
      promptTokens,
      imageInputs: inputs.length,
      seed,
      ...size,
      seconds,
    };
  };

  const planExtend = (
    request: ExtendVideoRequest,
    model: ImageGenerationModel,
    promptTokens: number,
  ): VideoPlan => {
    if (!request.video) throw invalidArgument("video must be set: the clip to extend (url or file_id)");
    const video = resolveVideoInput(deps, request.video, "video");
    const added = request.duration ?? DEFAULT_VIDEO_SECONDS;
    if (!Number.isInteger(added) || added < EXTEND_SECONDS.min || added > EXTEND_SECONDS.max) {
      throw invalidArgument(
        `duration must be between ${EXTEND_SECONDS.min} and ${EXTEND_SECONDS.max} seconds, got ${added}`,
      );
    }
    const source = video.info?.durationSeconds;
    if (
      source !== undefined &&
      (source < EXTENDABLE_SECONDS.min - 0.05 || source > EXTENDABLE_SECONDS.max + 0.05)
    ) {
      throw invalidArgument(
        `video is ${source.toFixed(1)} s long; clips of ${EXTENDABLE_SECONDS.min} to ${EXTENDABLE_SECONDS.max} s can be extended`,
      );
    }
    const size = video.info?.width
      ? sizeOf(video)
      : videoSize(
          VideoAspectRatio.VIDEO_ASPECT_RATIO_UNSPECIFIED,
          VideoResolution.VIDEO_RESOLUTION_UNSPECIFIED,
        );
    const seconds = added + (source === undefined ? 0 : Math.round(source));
    const seed = hashParts("extend", model.name, request.prompt, video.digest, added);
    return { model, prompt: request.prompt, promptTokens, imageInputs: 0, seed, ...size, seconds };
  };

  return {
    validate(request) {
      plan(request);
    },
    async render(request) {
      const p = plan(request);
      const picture = paintLandscape(p.width, p.height, p.seed);
      const clip = encodeH264Clip(picture, p.seconds * VIDEO_FPS, DRIFT_EVERY_FRAMES);
      const mp4 = muxMp4(clip, {
        width: p.width,
        height: p.height,
        fps: VIDEO_FPS,
        note: `xai-grpc-mcp emulator: emulated video (not generated by a real model) for the prompt: ${p.prompt.slice(0, 500)}`,
      });
      const name = `video-${p.seed.toString(16).padStart(8, "0")}.mp4`;
      const url = deps.media.publish(mp4, "video/mp4", name);
      const options = request.storageOptions;
      const stored = options
        ? storeOutput(deps, mp4, options, outputFilename(options.filename, "video.mp4", 0, 1))
        : undefined;
      const imageTokens = p.imageInputs * IMAGE_INPUT_TOKENS;
      return create(VideoResponseSchema, {
        video: {
          url,
          duration: p.seconds,
          respectModeration: true,
          fileOutput: stored?.fileOutput,
          storageError: stored?.storageError,
        },
        model: p.model.name,
        usage: {
          promptTextTokens: p.promptTokens,
          promptImageTokens: imageTokens,
          promptTokens: p.promptTokens + imageTokens,
          totalTokens: p.promptTokens + imageTokens,
          costInUsdTicks: p.model.imagePrice * TICKS_PER_CENT,
        },
        progress: 100,
      });
    },
  };
}

/**
 * The frame size of a readable input clip, scaled down to fit 1920 × 1080 (either way round) and
 * made even, as 4:2:0 video needs.
 */
function sizeOf(video: ResolvedVideo): { width: number; height: number } {
  const width = video.info?.width ?? 0;
  const height = video.info?.height ?? 0;
  const scale = Math.min(1, 1920 / Math.max(width, height), 1080 / Math.min(width, height));
  const even = (n: number) => Math.max(2, 2 * Math.round((n * scale) / 2));
  return { width: even(width), height: even(height) };
}
