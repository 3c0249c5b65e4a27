import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  DownloadFormat,
  type FileSchema,
  Files,
  FilesSortBy,
  Ordering,
} from "../../gen/xai/api/v1/files_pb.js";
import type { EmulatorContext } from "../context.js";
import { failedPrecondition, invalidArgument, resourceExhausted } from "../errors.js";
import { expiresAfterProblem, filenameProblem, type StoredFile } from "../file-store.js";
import { checkChars, TEXT_LIMITS } from "../limits.js";
import { bind, type ServiceBinding } from "../service-impl.js";
import { listPage } from "./files-list.js";

/** Size of the chunks a download streams, in bytes. */
export const DOWNLOAD_CHUNK_BYTES = 1024 * 1024;

/** The `File` message describing a stored file. */
export function fileMessage(file: StoredFile): MessageInitShape<typeof FileSchema> {
  return {
    id: file.id,
    filename: file.filename,
    size: BigInt(file.bytes.byteLength),
    createdAt: timestampFromDate(file.createdAt),
    expiresAt: file.expiresAt && timestampFromDate(file.expiresAt),
    publicUrl: file.publicUrl,
    publicUrlExpiresAt: file.publicUrlExpiresAt && timestampFromDate(file.publicUrlExpiresAt),
  };
}

/**
 * The Files service: uploads with the API's rules, listing with pagination and sort, retrieval,
 * deletion, streamed downloads and public URLs, over the shared in-memory file store.
 *
 * Choices where the API leaves room: an empty upload is refused (`INVALID_ARGUMENT`), since a file
 * needs content to be used anywhere; deleting an unknown file is `NOT_FOUND`; the TEXT download of a
 * file that is not UTF-8 text is `FAILED_PRECONDITION` (the emulator extracts no text from binaries);
 * ListFiles' `filter` is a case-insensitive substring of the filename (`limit` 1–100, 0 meaning 100;
 * see `listPage` for the pagination token); CreatePublicUrl on a file that already has a public URL
 * replaces it (the old URL stops working).
 */
export function filesService(ctx: EmulatorContext): ServiceBinding {
  const checkFileId = (id: string) => {
    if (id.trim().length === 0) throw invalidArgument("file_id must not be empty");
    return ctx.files.require(id);
  };
  return bind(Files, {
    async uploadFile(requests, call) {
      let init: { name: string; expiresAfter: number | undefined } | undefined;
      const chunks: Uint8Array[] = [];
      let size = 0;
      const limit = ctx.config.maxFileBytes;
      for await (const message of requests) {
        if (call.signal.aborted) throw invalidArgument("upload cancelled");
        const chunk = message.chunk;
        switch (chunk.case) {
          case "init": {
            if (init) throw invalidArgument("init may be sent only once, as the first message of the upload");
            const { name, expiresAfter } = chunk.value;
            const problem = filenameProblem(name);
            if (problem) throw invalidArgument(`init.name ${problem}`);
            if (expiresAfter !== undefined) {
              const bad = expiresAfterProblem(expiresAfter);
              if (bad) throw invalidArgument(`init.expires_after ${bad}`);
            }
            init = { name, expiresAfter: expiresAfter === undefined ? undefined : Number(expiresAfter) };
            break;
          }
          case "data": {
            if (!init) throw invalidArgument("the first message of an upload must be init {name}");
            size += chunk.value.byteLength;
            // Stop reading at once: a client past the limit should not get to send the rest.
            if (size > limit) {
              throw resourceExhausted(
                `file too large: more than ${limit} bytes received; the largest file accepted is ${limit} bytes`,
              );
            }
            ctx.files.checkRoom(size);
            if (chunk.value.byteLength > 0) chunks.push(chunk.value);
            break;
          }
          default:
            throw invalidArgument("each upload message must set init or data");
        }
      }
      if (!init) throw invalidArgument("empty upload: the first message of an upload must be init {name}");
      if (size === 0) throw invalidArgument(`file "${init.name}" is empty: send at least one byte of data`);
      const bytes = chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, size);
      return fileMessage(ctx.files.add(init.name, bytes, init.expiresAfter));
    },

    listFiles(request) {
      const { limit, order, sortBy = FilesSortBy.CREATED_AT, filter = "" } = request;
      checkChars("filter", filter, TEXT_LIMITS.filter);
      if (limit < 0 || limit > 100)
        throw invalidArgument(`limit must be between 1 and 100 (0 = 100), got ${limit}`);
      if (order !== Ordering.ASCENDING && order !== Ordering.DESCENDING) {
        throw invalidArgument(`order must be ASCENDING or DESCENDING, got ${order}`);
      }
      if (!(sortBy in FilesSortBy)) throw invalidArgument(`sort_by has an unknown value ${sortBy}`);
      const page = listPage(ctx.files.all(), {
        limit: limit === 0 ? 100 : limit,
        descending: order === Ordering.DESCENDING,
        sortBy,
        filter,
        token: request.paginationToken ?? "",
      });
      return { data: page.files.map(fileMessage), paginationToken: page.nextToken };
    },

    retrieveFile(request) {
      return fileMessage(checkFileId(request.fileId));
    },

    deleteFile(request) {
      const file = checkFileId(request.fileId);
      return { id: file.id, deleted: ctx.files.delete(file.id) };
    },

    async *retrieveFileContent(request, call) {
      const file = checkFileId(request.fileId);
      const format = request.format ?? DownloadFormat.UNKNOWN;
      let bytes: Uint8Array;
      switch (format) {
        case DownloadFormat.UNKNOWN:
        case DownloadFormat.ORIGINAL:
          bytes = file.bytes;
          break;
        case DownloadFormat.TEXT:
          bytes = extractText(file);
          break;
        default:
          throw invalidArgument(`format has an unknown value ${format}`);
      }
      for (let offset = 0; offset < bytes.byteLength; offset += DOWNLOAD_CHUNK_BYTES) {
        if (call.signal.aborted) return;
        yield { data: bytes.subarray(offset, offset + DOWNLOAD_CHUNK_BYTES) };
      }
    },

    createPublicUrl(request) {
      const file = checkFileId(request.fileId);
      if (request.expiresAfter !== undefined) {
        const bad = expiresAfterProblem(request.expiresAfter);
        if (bad) throw invalidArgument(`expires_after ${bad}`);
      }
      const expiresAfter = request.expiresAfter === undefined ? undefined : Number(request.expiresAfter);
      const { url, expiresAt } = ctx.files.createPublicUrl(file.id, expiresAfter);
      return { publicUrl: url, expiresAt: expiresAt && timestampFromDate(expiresAt) };
    },

    revokePublicUrl(request) {
      const file = checkFileId(request.fileId);
      const url = ctx.files.revokePublicUrl(file.id);
      return { fileId: file.id, revoked: url !== undefined, publicUrl: url };
    },
  });
}

/** The text of a UTF-8 text file (a leading byte-order mark dropped); binaries have none to give. */
function extractText(file: StoredFile): Uint8Array {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(file.bytes);
  } catch {
    text = "\u0000";
  }
  if (text.includes("\u0000")) {
    throw failedPrecondition(
      `file "${file.filename}" is not UTF-8 text; the emulator extracts no text from binary files (download ORIGINAL instead)`,
    );
  }
  return new TextEncoder().encode(text);
}
