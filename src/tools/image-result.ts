import type { CallToolResult, ContentBlock, ImageContent } from "@modelcontextprotocol/sdk/types.js";
import type { GeneratedImage, ImageResponse, ImageResponseSchema } from "../../gen/xai/api/v1/image_pb.js";
import type { SafeDirectory } from "../files/safe-write.js";
import { formatBytes } from "../media/byte-size.js";
import { type ImageBytes, imageBytes, imageFileStem } from "../media/image-output.js";
import { mediaUsageLine } from "./render/media-usage.js";
import { fileLink } from "./resource-link.js";
import { responseJson } from "./result.js";

/** How generated images are handed back. */
export interface ImageResultOptions {
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

/** One image, presented: its line of text, its blocks, what replaces its bytes in the JSON. */
interface PresentedImage {
  readonly line: string;
  readonly image?: ImageContent;
  readonly link?: ContentBlock;
  /** Replaces the base64 data in `structuredContent` (base64 results only). */
  readonly reference?: string;
  /** Something went wrong that the agent should know of. */
  readonly problem: boolean;
}

const howToGet = (max: number) =>
  `call again with save_to set to a directory inside the allowed directories, use format IMG_FORMAT_URL ` +
  `for a link, or raise the server's --inline-image-max-bytes (now ${max})`;

/** `; stored in Files as …; public URL …` for an image xAI also stored, or "". */
function storageNote(image: GeneratedImage): string {
  const parts: string[] = [];
  if (image.fileOutput?.fileId) parts.push(`stored in Files as ${image.fileOutput.fileId}`);
  if (image.fileOutput?.publicUrl) parts.push(`public URL ${image.fileOutput.publicUrl}`);
  if (image.storageError) parts.push(`storage failed: ${image.storageError}`);
  return parts.length > 0 ? `; ${parts.join("; ")}` : "";
}

/**
 * One image with bytes or a link: the facts of its line, shown inline when wanted and small enough,
 * linked when saved. `blockNumber` is the number its image block would get.
 */
function presentData(
  got: Extract<ImageBytes, { kind: "data" }>,
  label: string,
  blockNumber: number,
  options: ImageResultOptions,
): Omit<PresentedImage, "line"> & { facts: string[] } {
  const isBase64 = got.source === "base64";
  const facts: string[] = [];
  let problem = false;
  if (got.url !== undefined) facts.push(`${got.url} (temporary link)`);
  if (got.fetchError !== undefined) {
    facts.push(`could not be fetched: ${got.fetchError}`);
    problem = true;
  }
  const { bytes, mimeType, savedTo } = got;
  if (!bytes) return { facts, problem };
  const size = got.size ? ` ${got.size.width}×${got.size.height}` : "";
  facts.unshift(`${mimeType || "unknown type"}${size}, ${formatBytes(bytes.byteLength)}`);
  const link = savedTo
    ? fileLink(savedTo, mimeType || "application/octet-stream", bytes.byteLength, `Generated ${label}`)
    : undefined;
  if (savedTo) facts.push(`saved to ${savedTo}`);
  if (got.saveError !== undefined) {
    facts.push(`could not be saved: ${got.saveError}`);
    problem = true;
  }
  const wanted = isBase64 ? options.inline !== false : options.inline === true;
  let image: ImageContent | undefined;
  let reference: string | undefined;
  if (wanted && !mimeType) {
    facts.push("not shown: the data is no PNG, JPEG, GIF or WebP image");
  } else if (wanted && bytes.byteLength <= options.inlineMaxBytes) {
    image = { type: "image", data: bytes.toString("base64"), mimeType };
    reference = `[${label}: see image content block ${blockNumber}]`;
    facts.push(`shown in image content block ${blockNumber}`);
  } else if (wanted) {
    const over = `over the ${formatBytes(options.inlineMaxBytes)} inline limit`;
    facts.push(
      savedTo
        ? `${over}: linked instead of shown`
        : `${over}, not shown: ${howToGet(options.inlineMaxBytes)}`,
    );
    if (!savedTo && isBase64) problem = true;
  }
  if (isBase64) {
    reference ??= savedTo ? `[${label}: saved to ${savedTo}]` : `[${label}: not included, see the text]`;
  }
  return {
    facts,
    problem,
    ...(image ? { image } : {}),
    ...(link ? { link } : {}),
    ...(reference !== undefined ? { reference } : {}),
  };
}

/** One generated image as a line of text and its blocks. */
function present(
  image: GeneratedImage,
  got: ImageBytes,
  label: string,
  blockNumber: number,
  options: ImageResultOptions,
): PresentedImage {
  const note = storageNote(image);
  switch (got.kind) {
    case "empty":
      return {
        line: `- ${label}: no data${image.respectModeration ? "" : " (blocked by moderation)"}${note}`,
        problem: false,
      };
    case "undecodable":
      return {
        line: `- ${label}: the API returned base64 data that is no data URL; it could not be decoded`,
        reference: `[${label}: not a base64 data URL; dropped]`,
        problem: true,
      };
    case "data": {
      const { facts, ...shown } = presentData(got, label, blockNumber, options);
      return { line: `- ${label}: ${facts.join("; ")}${note}`, ...shown };
    }
  }
}

/**
 * The tool result of a GenerateImage response. Base64 images become MCP `image` blocks with their
 * real type, and their bytes are replaced in the text and `structuredContent` by a reference
 * (`[image 1: see image content block 1]`), so a picture costs its tokens once. URL results stay
 * links unless `inline` fetches them. With a save directory, every image is written there and
 * linked with a `resource_link`; an image past the inline limit is then linked rather than shown,
 * and without one the text says how to get it.
 */
export async function imageResult(
  schema: typeof ImageResponseSchema,
  response: ImageResponse,
  options: ImageResultOptions,
): Promise<CallToolResult> {
  const json = responseJson(schema, response);
  const entries = (Array.isArray(json.images) ? json.images : []) as Json[];
  const stem = imageFileStem(new Date());
  const imageBlocks: ContentBlock[] = [];
  const links: ContentBlock[] = [];
  const lines: string[] = [];
  let problems = 0;
  for (const [i, image] of response.images.entries()) {
    const got = await imageBytes(image, {
      fetchUrls: options.inline === true,
      saveDir: options.saveDir,
      stem: `${stem}-${i + 1}`,
      signal: options.signal,
      mediaIdleTimeoutMs: options.mediaIdleTimeoutMs,
    });
    const shown = present(image, got, `image ${i + 1}`, imageBlocks.length + 1, options);
    lines.push(shown.line);
    if (shown.image) imageBlocks.push(shown.image);
    if (shown.link) links.push(shown.link);
    if (shown.reference !== undefined && entries[i]) entries[i].base64 = shown.reference;
    if (shown.problem) problems++;
  }
  const text = [imageHead(response), ...lines, ...imageTail(response, options)].join("\n");
  return {
    content: [{ type: "text", text }, ...imageBlocks, ...links],
    structuredContent: json,
    ...(problems > 0 && imageBlocks.length === 0 && links.length === 0 ? { isError: true } : {}),
  };
}

function imageHead(response: ImageResponse): string {
  const n = response.images.length;
  return `Generated ${n} image${n === 1 ? "" : "s"} with ${response.model || "the image model"}.`;
}

/** The usage line, and a hint when URL results were neither shown nor saved. */
function imageTail(response: ImageResponse, options: ImageResultOptions): string[] {
  const usage = mediaUsageLine(response.usage);
  const out = usage ? [usage] : [];
  if (
    response.images.some((img) => img.image.case === "url") &&
    options.inline !== true &&
    !options.saveDir
  ) {
    out.push("URL results are temporary: pass inline: true to see them here or save_to to keep copies.");
  }
  return out;
}
