import { type GenerateImageRequest, ImageFormat } from "../../gen/xai/api/v1/image_pb.js";

/**
 * The defaults of an image generation request, wherever it is sent from (`image_generate_image`
 * or an `image_request` of a batch): the API has no default `format` and refuses a request without
 * one, so an unset format becomes `IMG_FORMAT_BASE64`, the form an agent can see.
 */
export function applyImageDefaults(request: GenerateImageRequest): void {
  if (request.format === ImageFormat.IMG_FORMAT_INVALID) request.format = ImageFormat.IMG_FORMAT_BASE64;
}
