// ImageFormat values, by number: callers hold descriptors and messages, not the generated enums.
const IMG_FORMAT_INVALID = 0;
const IMG_FORMAT_BASE64 = 1;

/**
 * The defaults of an image generation request, wherever it is sent from (`image_generate_image`
 * or an `image_request` of a batch): the API has no default `format` and refuses a request without
 * one, so an unset format becomes `IMG_FORMAT_BASE64`, the form an agent can see.
 */
export function applyImageDefaults(request: { format: number }): void {
  if (request.format === IMG_FORMAT_INVALID) request.format = IMG_FORMAT_BASE64;
}
