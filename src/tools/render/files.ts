import type { File, ListFilesResponse } from "../../../gen/xai/api/v1/files_pb.js";
import { orDash, renderList, timestampText } from "./listing.js";

/** One line about a stored file. */
export function fileLine(f: File): string {
  const parts = [
    `${orDash(f.id)} "${orDash(f.filename)}"`,
    `${f.size} bytes`,
    `created ${timestampText(f.createdAt)}`,
    f.expiresAt ? `expires ${timestampText(f.expiresAt)}` : "",
    f.publicUrl ? `public URL ${f.publicUrl}` : "",
  ];
  return parts.filter(Boolean).join(" · ");
}

/** A page of files. */
export function renderFileList(response: ListFilesResponse): string {
  return renderList("file", response.data, fileLine, response.paginationToken);
}

/** A single file's metadata. */
export function renderFile(file: File): string {
  return `File ${fileLine(file)}`;
}
