// PLACEHOLDER: replaced by the image part of the emulator (creating it no longer throws).

import type { GenerateImageRequest, ImageResponse } from "../../gen/xai/api/v1/image_pb.js";
import type { EngineDeps } from "../context.js";

/** Generates images; used by Image itself and by Batch. */
export interface ImageEngine {
  generate(request: GenerateImageRequest): Promise<ImageResponse>;
}

export function createImageEngine(_deps: EngineDeps): ImageEngine {
  const unimplemented = () => Promise.reject(new Error("not implemented yet"));
  return { generate: unimplemented };
}
