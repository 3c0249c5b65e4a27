import type { GeneratedImage } from "../../gen/xai/api/v1/image_pb.js";
import { forArgument } from "../files/path-validation.js";
import { type SafeDirectory, writeStream } from "../files/safe-write.js";
import { parseDataUrl } from "./data-url.js";
import { fetchMedia } from "./fetch-media.js";
import { extensionFor, imageDimensions, sniffImageType } from "./image-type.js";

/** Default largest image shown inline, in bytes (1 MiB); `--inline-image-max-bytes` changes it. */
export const DEFAULT_INLINE_IMAGE_MAX_BYTES = 1024 * 1024;

/** Largest generated image fetched from its URL (to show or save it). */
export const MAX_FETCHED_IMAGE_BYTES = 50 * 1024 * 1024;

/** What to do with the bytes of a generated image. */
export interface ImageBytesOptions {
  /** Fetch URL results (to show or save them). */
  readonly fetchUrls: boolean;
  /** The directory (checked and held open) to save the image in. */
  readonly saveDir?: SafeDirectory | undefined;
  /** File name stem of the saved image (the extension follows its type). */
  readonly stem: string;
  readonly signal?: AbortSignal | undefined;
  /** Idle limit of image URL fetches, in ms (default 15 s). */
  readonly mediaIdleTimeoutMs?: number | undefined;
}

/** A generated image as this server got it: its bytes (when any), their real type, where saved. */
export type ImageBytes =
  /** The API returned no data (moderation, or an empty oneof). */
  | { readonly kind: "empty" }
  /** Base64 data that is no data URL. */
  | { readonly kind: "undecodable" }
  | {
      readonly kind: "data";
      readonly source: "base64" | "url";
      /** The temporary link of a URL result. */
      readonly url?: string;
      /** Absent for a URL result not fetched, or one whose fetch failed (see `fetchError`). */
      readonly bytes?: Buffer;
      /** The type the bytes really have (PNG, JPEG, GIF, WebP), else the declared `image/…` type, else "". */
      readonly mimeType: string;
      readonly size?: { readonly width: number; readonly height: number };
      readonly fetchError?: string;
      /** Where it was saved. */
      readonly savedTo?: string;
      readonly saveError?: string;
    };

/** `image-20260301-142233` from the current time: sortable, readable, no separators. */
export function imageFileStem(now: Date): string {
  const iso = now.toISOString().replace(/[-:]/g, "").replace("T", "-");
  return `image-${iso.slice(0, 15)}`;
}

/**
 * The bytes of one generated image: decoded from its data URL, or fetched from its URL when asked,
 * typed by their content (a client decodes by mimeType and fails on a wrong one), and saved when a
 * directory is given. Failures to fetch or save are reported in the result, never thrown.
 */
export async function imageBytes(image: GeneratedImage, options: ImageBytesOptions): Promise<ImageBytes> {
  const source = image.image;
  if (source.case === undefined || source.value === "") return { kind: "empty" };
  let bytes: Buffer | undefined;
  let declared = "";
  let fetchError: string | undefined;
  if (source.case === "base64") {
    const parsed = parseDataUrl(source.value);
    if (!parsed) return { kind: "undecodable" };
    bytes = parsed.bytes;
    declared = parsed.mimeType;
  } else if (options.fetchUrls || options.saveDir) {
    try {
      const fetched = await fetchMedia(source.value, {
        maxBytes: MAX_FETCHED_IMAGE_BYTES,
        signal: options.signal,
        idleTimeoutMs: options.mediaIdleTimeoutMs,
      });
      bytes = fetched.bytes;
      declared = fetched.contentType;
    } catch (e) {
      fetchError = e instanceof Error ? e.message : String(e);
    }
  }
  const url = source.case === "url" ? { url: source.value } : {};
  if (!bytes)
    return { kind: "data", source: source.case, ...url, mimeType: "", ...(fetchError ? { fetchError } : {}) };
  const mimeType = sniffImageType(bytes) ?? (declared.startsWith("image/") ? declared : "");
  const size = imageDimensions(bytes);
  const out = {
    kind: "data" as const,
    source: source.case,
    ...url,
    bytes,
    mimeType,
    ...(size ? { size } : {}),
  };
  if (!options.saveDir) return out;
  try {
    const written = await forArgument(
      "save_to",
      writeStream(options.saveDir, { stem: options.stem, ext: extensionFor(mimeType) }, [bytes]),
    );
    return { ...out, savedTo: written.path };
  } catch (e) {
    return { ...out, saveError: e instanceof Error ? e.message : String(e) };
  }
}
