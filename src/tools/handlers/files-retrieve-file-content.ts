import { basename, dirname } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import {
  DownloadFormat,
  type FileContentChunk,
  Files,
  type RetrieveFileContentRequest,
} from "../../../gen/xai/api/v1/files_pb.js";
import { type AllowedRoots, requireRoots } from "../../files/allowed-roots.js";
import { forArgument, PathAccessError } from "../../files/path-validation.js";
import { SafeDirectory, writeStream } from "../../files/safe-write.js";
import { formatBytes } from "../../media/byte-size.js";
import { DEFAULT_INLINE_IMAGE_MAX_BYTES } from "../../media/image-output.js";
import { sniffImageType } from "../../media/image-type.js";
import { asText, guessMediaType } from "../../media/media-type.js";
import { fileLink } from "../resource-link.js";
import { defineTool, type ToolContext } from "../tool.js";

/** Largest content returned inline as text (128 KiB, some 32k tokens); larger needs save_to. */
export const INLINE_TEXT_MAX_BYTES = 128 * 1024;

/** The tool-level options of `files_retrieve_file_content`. */
export const FILES_DOWNLOAD_OPTIONS = z.object({
  save_to: z
    .string()
    .min(1)
    .optional()
    .describe(
      "File path, or existing directory (the file's own name is used), inside the allowed directories.",
    ),
  overwrite: z.boolean().optional().describe("Replace an existing file at save_to (default false)."),
});

/** A safe local name for a stored file's name: its last segment, or the id when that is unusable. */
function localName(filename: string, fileId: string): string {
  const base = basename(filename.replace(/\\/g, "/"));
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is dropped
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, "").trim();
  return clean && clean !== "." && clean !== ".." ? clean : fileId;
}

async function* dataOf(stream: AsyncIterable<FileContentChunk>): AsyncGenerator<Uint8Array> {
  for await (const chunk of stream) yield chunk.data;
}

/**
 * `files_retrieve_file_content`: streams the download straight into a file under the allowed
 * directories (through a temporary file, so a failure leaves nothing half-written), or returns
 * small text content inline, saying how big it was.
 */
export const filesDownloadTool = defineTool(Files.method.retrieveFileContent, {
  options: FILES_DOWNLOAD_OPTIONS,
  optionsNote:
    "Without save_to, text up to 128 KiB (and small images) is returned inline; anything else needs save_to.",
  run: async (req, options, ctx) => {
    const saveTo = options.save_to;
    if (saveTo !== undefined) return saveToFile(req, saveTo, options.overwrite === true, ctx);
    return inline(req, ctx);
  },
});

async function metadata(fileId: string, ctx: ToolContext) {
  return await ctx.client.unary(Files.method.retrieveFile, { fileId }, { signal: ctx.signal });
}

/** The content chunks of a download. */
function download(req: RetrieveFileContentRequest, ctx: ToolContext): AsyncIterable<FileContentChunk> {
  return ctx.client.serverStream(Files.method.retrieveFileContent, req, { signal: ctx.signal });
}

async function saveToFile(
  req: RetrieveFileContentRequest,
  saveTo: string,
  overwrite: boolean,
  ctx: ToolContext,
): Promise<CallToolResult> {
  const roots: AllowedRoots = requireRoots(ctx.roots);
  const target = await forArgument("save_to", roots.writable(saveTo));
  const intoDirectory = target.existing === "directory" || /[\\/]$/.test(saveTo);
  // The size (for progress) and name (for a directory) come from the file's metadata.
  const meta = intoDirectory || ctx.wantsProgress ? await metadata(req.fileId, ctx) : undefined;
  // The directory is held open from here on: the file lands in it (still inside the allowed
  // directories when placed, checked again) or nowhere, whatever is swapped on disk meanwhile.
  // A missing parent is created, segment by segment, never through a link.
  const dir = await forArgument(
    "save_to",
    SafeDirectory.open(roots, intoDirectory ? saveTo : dirname(target.path), { create: true }),
  );
  try {
    const name = intoDirectory ? localName(meta?.filename ?? "", req.fileId) : basename(target.path);
    const existing = await dir.entry(name);
    if (existing && !existing.isFile() && !existing.isSymbolicLink()) {
      throw new PathAccessError(`save_to: ${name} exists and is not a regular file`);
    }
    if (existing && !overwrite) {
      throw new PathAccessError(`save_to: ${name} exists already; pass overwrite: true to replace it`);
    }
    // Text downloads are converted: their size differs from the file's.
    const original = req.format !== DownloadFormat.TEXT;
    const total = original && meta ? Number(meta.size) : undefined;
    const stream = download(req, ctx);
    const head: Uint8Array[] = [];
    let headBytes = 0;
    const outcome = await forArgument(
      "save_to",
      writeStream(
        dir,
        { name, overwrite },
        (async function* () {
          for await (const data of dataOf(stream)) {
            if (headBytes < 16) {
              head.push(data.subarray(0, 16));
              headBytes += data.byteLength;
            }
            yield data;
          }
        })(),
        (written) =>
          ctx.progress(
            written,
            total,
            `downloaded ${formatBytes(written)}${total ? ` of ${formatBytes(total)}` : ""}`,
          ),
      ),
    );
    return savedResult(req.fileId, outcome, head);
  } finally {
    await dir.close();
  }
}

function savedResult(
  fileId: string,
  outcome: { path: string; bytes: number },
  head: Uint8Array[],
): CallToolResult {
  const mimeType = guessMediaType(outcome.path, Buffer.concat(head));
  return {
    content: [
      {
        type: "text",
        text: `Saved ${formatBytes(outcome.bytes)} (${outcome.bytes} bytes) of file ${fileId} to ${outcome.path}.`,
      },
      fileLink(outcome.path, mimeType, outcome.bytes, `Content of file ${fileId}`),
    ],
    structuredContent: {
      file_id: fileId,
      saved_to: outcome.path,
      bytes: outcome.bytes,
      mime_type: mimeType,
    },
  };
}

async function inline(req: RetrieveFileContentRequest, ctx: ToolContext): Promise<CallToolResult> {
  const imageMax = ctx.inlineImageMaxBytes ?? DEFAULT_INLINE_IMAGE_MAX_BYTES;
  const limit = Math.max(INLINE_TEXT_MAX_BYTES, imageMax);
  const parts: Uint8Array[] = [];
  let received = 0;
  let truncated = false;
  // Leaving the loop early cancels the download: nothing past the limit is transferred.
  for await (const chunk of download(req, ctx)) {
    received += chunk.data.byteLength;
    if (received > limit) {
      truncated = true;
      break;
    }
    parts.push(chunk.data);
  }
  const tooBig = (what: string, max: number): CallToolResult => ({
    isError: true,
    content: [
      {
        type: "text",
        text:
          `File ${req.fileId} is ${truncated ? `more than ${formatBytes(limit)}` : formatBytes(received)} of ${what}, ` +
          `more than is returned inline (${formatBytes(max)}). Pass save_to (a path inside the allowed directories) ` +
          "to write it to a file.",
      },
    ],
  });
  if (truncated) return tooBig("content", INLINE_TEXT_MAX_BYTES);
  const bytes = Buffer.concat(parts, received);
  const image = sniffImageType(bytes);
  if (image) {
    if (received > imageMax) return tooBig("image", imageMax);
    return {
      content: [
        {
          type: "text",
          text: `File ${req.fileId}: ${image}, ${formatBytes(received)} (${received} bytes), shown below.`,
        },
        { type: "image", data: bytes.toString("base64"), mimeType: image },
      ],
      structuredContent: { file_id: req.fileId, bytes: received, mime_type: image },
    };
  }
  const text = asText(bytes);
  if (text === undefined) {
    return {
      isError: true,
      content: [
        {
          type: "text",
          text: `File ${req.fileId} is ${formatBytes(received)} of binary content, which is not returned inline. Pass save_to (a path inside the allowed directories) to write it to a file.`,
        },
      ],
    };
  }
  if (received > INLINE_TEXT_MAX_BYTES) return tooBig("text", INLINE_TEXT_MAX_BYTES);
  return {
    content: [
      {
        type: "text",
        text: `File ${req.fileId}: ${formatBytes(received)} (${received} bytes) of text, next block.`,
      },
      { type: "text", text },
    ],
    structuredContent: { file_id: req.fileId, bytes: received, text },
  };
}
