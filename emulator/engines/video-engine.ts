// PLACEHOLDER: replaced by the video part of the emulator (creating it no longer throws).

import type {
  ExtendVideoRequest,
  GenerateVideoRequest,
  VideoResponse,
} from "../../gen/xai/api/v1/video_pb.js";
import type { EngineDeps } from "../context.js";

/** Renders videos; used by Video itself (deferred) and by Batch (at once). */
export interface VideoEngine {
  /** Validates and renders a video now, publishing it on the media host. */
  render(request: GenerateVideoRequest | ExtendVideoRequest): Promise<VideoResponse>;
}

export function createVideoEngine(_deps: EngineDeps): VideoEngine {
  const unimplemented = () => Promise.reject(new Error("not implemented yet"));
  return { render: unimplemented };
}
