import { basename } from "node:path";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { z } from "zod";
import { Files, type UploadFileChunkSchema } from "../../../gen/xai/api/v1/files_pb.js";
import { requireRoots } from "../../files/allowed-roots.js";
import { readChunks } from "../../files/local-files.js";
import { forArgument, toLocalPath } from "../../files/path-validation.js";
import {
  expiresAfterProblem,
  fileNameProblem,
  MAX_UPLOAD_BYTES,
  UPLOAD_CHUNK_BYTES,
  uploadSizeProblem,
} from "../../files/upload-rules.js";
import { formatBytes } from "../../media/byte-size.js";
import { ArgumentError } from "../../schema/arguments.js";
import { compactJson } from "../render/json.js";
import { responseJson } from "../result.js";
import { defineTool, type ToolContext } from "../tool.js";

/** The tool-level options of `files_upload_file`: where the content comes from (exactly one). */
export const FILES_UPLOAD_OPTIONS = z.object({
  path: z
    .string()
    .min(1)
    .optional()
    .describe("Local file (path or file:// URI) inside the allowed directories."),
  text: z.string().optional().describe("Content as UTF-8 text."),
  content_base64: z.string().optional().describe("Content as base64 bytes."),
});

type UploadOptions = z.output<typeof FILES_UPLOAD_OPTIONS>;

/** A checked upload source: its size and its bytes, pulled chunk by chunk. */
interface Source {
  readonly size: number;
  readonly defaultName: string | undefined;
  readonly chunks: () => AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

async function sourceOf(options: UploadOptions, ctx: ToolContext): Promise<Source> {
  const given = (["path", "text", "content_base64"] as const).filter((k) => options[k] !== undefined);
  if (given.length !== 1) {
    throw new ArgumentError([
      given.length === 0
        ? "path, text or content_base64: give the file's content with exactly one of them"
        : `${given.join(", ")}: give exactly one of path, text, content_base64`,
    ]);
  }
  if (options.path !== undefined) {
    const input = options.path;
    const file = await forArgument("path", requireRoots(ctx.roots).readable(input));
    return {
      size: file.size,
      // The name as the user wrote it, not the target of a symlink.
      defaultName: basename(toLocalPath(input)),
      chunks: () => readChunks(file, UPLOAD_CHUNK_BYTES),
    };
  }
  const bytes =
    options.text !== undefined
      ? Buffer.from(options.text, "utf8")
      : decodeBase64(options.content_base64 ?? "");
  return { size: bytes.byteLength, defaultName: undefined, chunks: () => slices(bytes) };
}

function decodeBase64(text: string): Buffer {
  const clean = text.replace(/\s+/g, "");
  if (!BASE64.test(clean) || clean.length % 4 === 1) {
    throw new ArgumentError(["content_base64: not valid base64 (use text for plain text)"]);
  }
  return Buffer.from(clean, "base64");
}

function* slices(bytes: Buffer): Generator<Uint8Array> {
  for (let offset = 0; offset < bytes.byteLength; offset += UPLOAD_CHUNK_BYTES) {
    yield bytes.subarray(offset, offset + UPLOAD_CHUNK_BYTES);
  }
}

/**
 * `files_upload_file`: checks the name, size and expiry by the API's rules before anything is sent,
 * then streams `init` and 3 MiB `data` messages. A local file is read one chunk at a time as gRPC
 * takes them (backpressure), so memory stays flat whatever the size; progress follows the bytes sent.
 */
export const filesUploadTool = defineTool(Files.method.uploadFile, {
  options: FILES_UPLOAD_OPTIONS,
  optionsNote:
    'Give the content with exactly one of path, text, content_base64, and the name in init: {"init":{"name":"notes.txt"},"text":"…"}. ' +
    "With path, init.name defaults to the file's name. Up to 200 MiB, with progress.",
  run: async (req, options, ctx) => {
    if (req.chunk.case === "data") {
      throw new ArgumentError([
        "data: give the content with path, text or content_base64 (data is the wire's chunk field), and the name in init.name",
      ]);
    }
    const init = req.chunk.case === "init" ? req.chunk.value : undefined;
    const source = await sourceOf(options, ctx);
    const name = init?.name || source.defaultName || "";
    const problems: string[] = [];
    const nameProblem = fileNameProblem(name);
    if (nameProblem) problems.push(`init.name ${nameProblem}`);
    const sizeProblem = uploadSizeProblem(source.size);
    if (sizeProblem) problems.push(`${options.path !== undefined ? "path" : "content"}: ${sizeProblem}`);
    if (init?.expiresAfter !== undefined) {
      const bad = expiresAfterProblem(init.expiresAfter);
      if (bad) problems.push(`init.expires_after ${bad}`);
    }
    if (problems.length > 0) throw new ArgumentError(problems);

    const total = source.size;
    let sent = 0;
    async function* messages(): AsyncGenerator<MessageInitShape<typeof UploadFileChunkSchema>> {
      yield { chunk: { case: "init", value: { name, expiresAfter: init?.expiresAfter } } };
      for await (const chunk of source.chunks()) {
        sent += chunk.byteLength;
        // A file that grows while it is read must still respect the cap it was checked against.
        if (sent > MAX_UPLOAD_BYTES)
          throw new Error(`${name} grew past ${formatBytes(MAX_UPLOAD_BYTES)} while uploading`);
        yield { chunk: { case: "data", value: chunk } };
        await ctx.progress(sent, total, `uploaded ${formatBytes(sent)} of ${formatBytes(total)}`);
      }
    }
    const m = Files.method.uploadFile;
    const file = await ctx.client.clientStream(m, messages(), { signal: ctx.signal });
    const json = responseJson(m.output, file);
    return {
      content: [
        {
          type: "text",
          text: `Uploaded ${file.filename} (${formatBytes(Number(file.size))}) as file ${file.id}; pass it as file_id.\n${compactJson(json)}`,
        },
      ],
      structuredContent: json,
    };
  },
});
