const BY_EXTENSION: Readonly<Record<string, string>> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  mp4: "video/mp4",
  txt: "text/plain; charset=utf-8",
  md: "text/markdown; charset=utf-8",
  csv: "text/csv; charset=utf-8",
  html: "text/html; charset=utf-8",
  json: "application/json",
  jsonl: "application/jsonl",
  pdf: "application/pdf",
};

/**
 * The content type a public URL serves a file with, from its extension (the store keeps no type of
 * its own, like the API, which records only a name); unknown extensions are served as octet streams.
 */
export function contentTypeOf(filename: string): string {
  const dot = filename.lastIndexOf(".");
  const ext = dot < 0 ? "" : filename.slice(dot + 1).toLowerCase();
  return BY_EXTENSION[ext] ?? "application/octet-stream";
}
