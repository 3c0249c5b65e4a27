import type { ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";
import { Files } from "../../gen/xai/api/v1/files_pb.js";
import { formatBytes } from "../media/byte-size.js";
import { DEFAULT_INLINE_IMAGE_MAX_BYTES } from "../media/image-output.js";
import { sniffImageType } from "../media/image-type.js";
import { asText, guessMediaType } from "../media/media-type.js";
import { INLINE_TEXT_MAX_BYTES } from "../tools/handlers/files-retrieve-file-content.js";
import { toolNameOf } from "../tools/tool-names.js";
import type { ReadContext } from "./resource-contents.js";

/**
 * The note read instead of content too big to return inline: how to save it with the tool, or,
 * when the tool takes no `save_to` (read-only mode), that this server saves no files.
 */
function saveHint(
  uri: string,
  id: string,
  name: string,
  size: string,
  limit: number,
  canSave: boolean,
): ReadResourceResult {
  const args = JSON.stringify({ file_id: id, save_to: "<a path inside the allowed directories>" });
  const what = canSave
    ? `Save it with the ${toolNameOf(Files.method.retrieveFileContent)} tool instead: ${args}`
    : "This server runs read-only and saves no files: download it where writes are allowed.";
  return {
    contents: [
      {
        uri,
        mimeType: "text/plain",
        text: `File ${id} ("${name}") is ${size}, more than is returned inline (${formatBytes(limit)}). ${what}`,
      },
    ],
  };
}

/**
 * `xai://files/{file_id}`: the file's content with its media type (text as text, anything else as
 * base64), within the tools' inline limits: text up to 128 KiB, images and other binary content up
 * to the inline image limit. Bigger files read as a note on saving them; the download stops as soon
 * as it passes the limit.
 */
export async function readFile(ctx: ReadContext, uri: string, id: string): Promise<ReadResourceResult> {
  const m = Files.method;
  const meta = await ctx.client.unary(m.retrieveFile, { fileId: id }, { signal: ctx.signal });
  const imageMax = ctx.inlineImageMaxBytes ?? DEFAULT_INLINE_IMAGE_MAX_BYTES;
  const limit = Math.max(INLINE_TEXT_MAX_BYTES, imageMax);
  const size = Number(meta.size);
  const hint = async (shown: string, max: number) =>
    saveHint(
      uri,
      id,
      meta.filename,
      shown,
      max,
      await ctx.offers(toolNameOf(m.retrieveFileContent), "save_to"),
    );
  if (size > limit) return hint(formatBytes(size), limit);
  const parts: Uint8Array[] = [];
  let received = 0;
  for await (const chunk of ctx.client.serverStream(
    m.retrieveFileContent,
    { fileId: id },
    { signal: ctx.signal },
  )) {
    received += chunk.data.byteLength;
    if (received > limit) return hint(`more than ${formatBytes(limit)}`, limit);
    parts.push(chunk.data);
  }
  const bytes = Buffer.concat(parts, received);
  const image = sniffImageType(bytes);
  const text = image ? undefined : asText(bytes);
  if (text !== undefined) {
    if (received > INLINE_TEXT_MAX_BYTES) {
      return hint(formatBytes(received), INLINE_TEXT_MAX_BYTES);
    }
    const type = guessMediaType(meta.filename);
    return { contents: [{ uri, mimeType: type === "application/octet-stream" ? "text/plain" : type, text }] };
  }
  if (received > imageMax) return hint(formatBytes(received), imageMax);
  return {
    contents: [
      { uri, mimeType: image ?? guessMediaType(meta.filename, bytes), blob: bytes.toString("base64") },
    ],
  };
}
