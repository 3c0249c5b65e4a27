import { items, renderList, short } from "./listing.js";

type Json = Record<string, unknown>;

/** One line about a stored file. */
export function fileLine(f: Json): string {
  const parts = [
    `${short(f.id)} "${short(f.filename)}"`,
    `${short(f.size ?? 0)} bytes`,
    `created ${short(f.created_at)}`,
    f.expires_at ? `expires ${short(f.expires_at)}` : "",
    f.public_url ? `public URL ${short(f.public_url)}` : "",
  ];
  return parts.filter(Boolean).join(" · ");
}

/** A page of files. */
export function renderFileList(response: Json): string {
  return renderList("file", items(response, "data"), fileLine, response.pagination_token);
}

/** A single file's metadata. */
export function renderFile(response: Json): string {
  return `File ${fileLine(response)}`;
}
