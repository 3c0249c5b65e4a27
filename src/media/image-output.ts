import { type DescMessage, toJson } from "@bufbuild/protobuf";
import type { CallToolResult, ContentBlock } from "@modelcontextprotocol/sdk/types.js";
import type { ImageResponse } from "../../gen/xai/api/v1/image_pb.js";
import { forArgument } from "../files/path-validation.js";
import { type SafeDirectory, writeStream } from "../files/safe-write.js";
import { formatBytes } from "./byte-size.js";
import { parseDataUrl } from "./data-url.js";
import { fetchMedia } from "./fetch-media.js";
import { extensionFor, imageDimensions, sniffImageType } from "./image-type.js";
import { fileLink } from "./resource-link.js";
import { mediaUsageLine } from "./usage-line.js";

/** Default largest image shown inline, in bytes (1 MiB); `--inline-image-max-bytes` changes it. */
export const DEFAULT_INLINE_IMAGE_MAX_BYTES = 1024 * 1024;

/** Largest generated image fetched from its URL (to show or save it). */
export const MAX_FETCHED_IMAGE_BYTES = 50 * 1024 * 1024;

/** How generated images are handed back. */
export interface ImageOutputOptions {
  /** The directory (checked and held open) to save every image in. */
  readonly saveDir?: SafeDirectory | undefined;
  /**
   * Show images as `image` blocks: unset shows base64 results and leaves URL results as links;
   * true also fetches URL results to show them; false shows none.
   */
  readonly inline?: boolean | undefined;
  /** Largest image shown inline, in bytes. */
  readonly inlineMaxBytes: number;
  readonly signal?: AbortSignal | undefined;
  /** Idle limit of image URL fetches, in ms (default 15 s). */
  readonly mediaIdleTimeoutMs?: number | undefined;
}

type Json = Record<string, unknown>;

/** `image-20260301-142233` from the current time: sortable, readable, no separators. */
function fileStem(now: Date): string {
  const iso = now.toISOString().replace(/[-:]/g, "").replace("T", "-");
  return `image-${iso.slice(0, 15)}`;
}

const howToGet = (max: number) =>
  `call again with save_to set to a directory inside the allowed directories, use format IMG_FORMAT_URL ` +
  `for a link, or raise the server's --inline-image-max-bytes (now ${max})`;

/**
 * The tool result of a GenerateImage response. Base64 images become MCP `image` blocks with their
 * real type, and their bytes are replaced in the text and `structuredContent` by a reference
 * (`[image 1: see image content block 1]`), so a picture costs its tokens once. URL results stay
 * links unless `inline` fetches them. With a save directory, every image is written there and
 * linked with a `resource_link`; an image past the inline limit is then linked rather than shown,
 * and without one the text says how to get it.
 */
export async function imageResult(
  schema: DescMessage,
  response: ImageResponse,
  options: ImageOutputOptions,
): Promise<CallToolResult> {
  // `schema` is the response's descriptor (xai_api.ImageResponse), passed in by the tool.
  const json = toJson(schema, response, { useProtoFieldName: true }) as Json;
  const images = (Array.isArray(json.images) ? json.images : []) as Json[];
  const imageBlocks: ContentBlock[] = [];
  const links: ContentBlock[] = [];
  const lines: string[] = [];
  const stem = fileStem(new Date());
  let problems = 0;

  for (let i = 0; i < response.images.length; i++) {
    const image = response.images[i];
    const entry = images[i] ?? {};
    const label = `image ${i + 1}`;
    if (!image) continue;
    const source = image.image;
    const facts: string[] = [];
    let bytes: Buffer | undefined;
    let declared = "";
    const isBase64 = source.case === "base64";

    if (source.case === undefined || source.value === "") {
      lines.push(
        `- ${label}: no data${image.respectModeration ? "" : " (blocked by moderation)"}${storageNote(entry)}`,
      );
      continue;
    }
    if (source.case === "base64") {
      const parsed = parseDataUrl(source.value);
      if (!parsed) {
        entry.base64 = `[${label}: not a base64 data URL; dropped]`;
        lines.push(`- ${label}: the API returned base64 data that is no data URL; it could not be decoded`);
        problems++;
        continue;
      }
      bytes = parsed.bytes;
      declared = parsed.mimeType;
    } else {
      facts.push(`${source.value} (temporary link)`);
      if (options.inline === true || options.saveDir) {
        try {
          const fetched = await fetchMedia(source.value, {
            maxBytes: MAX_FETCHED_IMAGE_BYTES,
            signal: options.signal,
            idleTimeoutMs: options.mediaIdleTimeoutMs,
          });
          bytes = fetched.bytes;
          declared = fetched.contentType;
        } catch (e) {
          facts.push(`could not be fetched: ${e instanceof Error ? e.message : String(e)}`);
          problems++;
        }
      }
    }

    let reference = "";
    if (bytes) {
      // Trust the bytes over the label: a client decodes by mimeType and fails on a wrong one.
      const mimeType = sniffImageType(bytes) ?? (declared.startsWith("image/") ? declared : "");
      const size = imageDimensions(bytes);
      facts.unshift(
        `${mimeType || "unknown type"}${size ? ` ${size.width}×${size.height}` : ""}, ${formatBytes(bytes.byteLength)}`,
      );
      let saved: string | undefined;
      if (options.saveDir) {
        try {
          const written = await forArgument(
            "save_to",
            writeStream(options.saveDir, { stem: `${stem}-${i + 1}`, ext: extensionFor(mimeType) }, [bytes]),
          );
          saved = written.path;
          links.push(
            fileLink(saved, mimeType || "application/octet-stream", bytes.byteLength, `Generated ${label}`),
          );
          facts.push(`saved to ${saved}`);
        } catch (e) {
          facts.push(`could not be saved: ${e instanceof Error ? e.message : String(e)}`);
          problems++;
        }
      }
      const wanted = isBase64 ? options.inline !== false : options.inline === true;
      if (wanted && !mimeType) {
        facts.push("not shown: the data is no PNG, JPEG, GIF or WebP image");
      } else if (wanted && bytes.byteLength <= options.inlineMaxBytes) {
        imageBlocks.push({ type: "image", data: bytes.toString("base64"), mimeType });
        reference = `[${label}: see image content block ${imageBlocks.length}]`;
        facts.push(`shown in image content block ${imageBlocks.length}`);
      } else if (wanted) {
        const over = `over the ${formatBytes(options.inlineMaxBytes)} inline limit`;
        facts.push(
          saved
            ? `${over}: linked instead of shown`
            : `${over}, not shown: ${howToGet(options.inlineMaxBytes)}`,
        );
        if (!saved && isBase64) problems++;
      }
      if (isBase64)
        reference ||= saved ? `[${label}: saved to ${saved}]` : `[${label}: not included, see the text]`;
    }
    if (isBase64) entry.base64 = reference;
    lines.push(`- ${label}: ${facts.join("; ")}${storageNote(entry)}`);
  }

  const usage = mediaUsageLine(json.usage as Json | undefined);
  const head = `Generated ${response.images.length} image${response.images.length === 1 ? "" : "s"} with ${response.model || "the image model"}.`;
  const hints: string[] = [];
  if (
    response.images.some((img) => img.image.case === "url") &&
    options.inline !== true &&
    !options.saveDir
  ) {
    hints.push("URL results are temporary: pass inline: true to see them here or save_to to keep copies.");
  }
  const text = [head, ...lines, ...(usage ? [usage] : []), ...hints].join("\n");
  return {
    content: [{ type: "text", text }, ...imageBlocks, ...links],
    structuredContent: json,
    ...(problems > 0 && imageBlocks.length === 0 && links.length === 0 ? { isError: true } : {}),
  };
}

function storageNote(entry: Json): string {
  const out = entry.file_output as Json | undefined;
  const parts: string[] = [];
  if (out?.file_id) parts.push(`stored in Files as ${String(out.file_id)}`);
  if (out?.public_url) parts.push(`public URL ${String(out.public_url)}`);
  if (entry.storage_error) parts.push(`storage failed: ${String(entry.storage_error)}`);
  return parts.length > 0 ? `; ${parts.join("; ")}` : "";
}
