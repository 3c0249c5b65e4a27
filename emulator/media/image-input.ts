import type { ImageUrlContent } from "../../gen/xai/api/v1/image_pb.js";
import type { EngineDeps } from "../context.js";
import { invalidArgument, notFound } from "../errors.js";
import { fnv1a, hashParts } from "../text/hash.js";

/** Largest image input accepted, in bytes (10 MiB, the API's limit for image inputs). */
export const MAX_IMAGE_INPUT_BYTES = 10 * 1024 * 1024;

/** An image input, read and checked. */
export interface ResolvedImage {
  /** Where it came from. */
  readonly source: "data-url" | "media-host" | "file" | "remote-url";
  /** The image bytes; absent for a remote URL, which the emulator never fetches. */
  readonly bytes?: Uint8Array | undefined;
  /** `image/png`, `image/jpeg`, `image/gif` or `image/webp`; absent for a remote URL. */
  readonly mimeType?: string | undefined;
  /** A stable hash of the content (or of the URL, for a remote one): what makes edits deterministic. */
  readonly digest: number;
}

/** The image type of `bytes` from its signature, or undefined when it is no image the API reads. */
export function sniffImageType(bytes: Uint8Array): string | undefined {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  if (starts(0x47, 0x49, 0x46, 0x38)) return "image/gif";
  if (starts(0x52, 0x49, 0x46, 0x46) && String.fromCharCode(...bytes.subarray(8, 12)) === "WEBP") {
    return "image/webp";
  }
  return undefined;
}

/**
 * Reads an image input the way the API does: a base64 data URL, an http(s) URL, or the id of an
 * uploaded file. `field` names the input in error messages (e.g. `images[1]`).
 *
 * - A data URL must be base64, of an image type, and decode to a PNG, JPEG, GIF or WebP image.
 * - A URL served by the emulator's media host is read from it (`NOT_FOUND` once it is no longer
 *   served). Any other http(s) URL is accepted without being fetched: the emulator never goes to
 *   the network, so the URL itself stands in for the content.
 * - A file id must name a stored file (`NOT_FOUND` otherwise) that is an image.
 * - Past {@link MAX_IMAGE_INPUT_BYTES}, or anything else: `INVALID_ARGUMENT`.
 */
export function resolveImageInput(
  deps: Pick<EngineDeps, "media" | "files">,
  input: ImageUrlContent,
  field: string,
): ResolvedImage {
  const source = input.source;
  switch (source.case) {
    case "imageUrl": {
      const url = source.value.trim();
      if (url.startsWith("data:"))
        return checked("data-url", decodeDataUrl(url, field), `${field}.image_url`);
      if (url.startsWith(deps.media.baseUrl)) {
        const item = deps.media.lookup(url);
        if (!item) throw notFound(`${field}.image_url: ${url} is not served (any more)`);
        return checked("media-host", item.bytes, `${field}.image_url`);
      }
      if (/^https?:\/\/[^\s/]+/i.test(url)) return { source: "remote-url", digest: hashParts("url", url) };
      throw invalidArgument(`${field}.image_url must be an http(s) URL or a base64 data URL`);
    }
    case "fileId": {
      if (source.value.trim() === "") throw invalidArgument(`${field}.file_id must not be empty`);
      const file = deps.files.require(source.value);
      return checked("file", file.bytes, `${field}.file_id`);
    }
    default:
      throw invalidArgument(`${field}: set image_url or file_id`);
  }
}

function decodeDataUrl(url: string, field: string): Uint8Array {
  const match = /^data:([^;,]*)((?:;[^;,]*)*?);base64,(.*)$/is.exec(url);
  if (!match)
    throw invalidArgument(`${field}.image_url: a data URL must look like data:image/png;base64,<data>`);
  const type = (match[1] ?? "").toLowerCase();
  if (!type.startsWith("image/")) {
    throw invalidArgument(`${field}.image_url: a data URL of type "${type || "(none)"}" is not an image`);
  }
  const payload = (match[3] ?? "").replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(payload) || payload.length % 4 === 1) {
    throw invalidArgument(`${field}.image_url: the data URL's base64 is malformed`);
  }
  return new Uint8Array(Buffer.from(payload, "base64"));
}

function checked(source: ResolvedImage["source"], bytes: Uint8Array, field: string): ResolvedImage {
  if (bytes.byteLength > MAX_IMAGE_INPUT_BYTES) {
    throw invalidArgument(
      `${field}: the image is ${bytes.byteLength} bytes; images up to ${MAX_IMAGE_INPUT_BYTES} bytes are accepted`,
    );
  }
  const mimeType = sniffImageType(bytes);
  if (!mimeType) throw invalidArgument(`${field}: the content is not a PNG, JPEG, GIF or WebP image`);
  return { source, bytes, mimeType, digest: fnv1a(bytes) };
}
