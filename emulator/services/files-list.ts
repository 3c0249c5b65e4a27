import { FilesSortBy } from "../../gen/xai/api/v1/files_pb.js";
import { invalidArgument } from "../errors.js";
import type { StoredFile } from "../file-store.js";

/** How one ListFiles page is asked for. */
export interface ListQuery {
  /** 1 – 100. */
  readonly limit: number;
  readonly descending: boolean;
  readonly sortBy: FilesSortBy;
  /** Case-insensitive substring of the filename; empty keeps every file. */
  readonly filter: string;
  /** The previous page's token; empty for the first page. */
  readonly token: string;
}

/** One page, and the token of the next one (empty on the last page). */
export interface ListPage {
  readonly files: StoredFile[];
  readonly nextToken: string;
}

interface Cursor {
  /** The query the token belongs to: sort key, direction and filter. */
  readonly q: string;
  /** Sort key and arrival order of the last file of the previous page. */
  readonly k: string | number;
  readonly n: number;
}

const keyOf = (file: StoredFile, sortBy: FilesSortBy): string | number => {
  switch (sortBy) {
    case FilesSortBy.FILENAME:
      return file.filename;
    case FilesSortBy.SIZE:
      return file.bytes.byteLength;
    default:
      return file.createdAt.getTime();
  }
};

const compareKeys = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * One page of files, sorted and filtered.
 *
 * The token is a cursor (keyset pagination): it records the sort key and arrival order of the last
 * file handed out, so the next page starts right after it even when files were added or deleted in
 * between, and every file is listed exactly once. Ties on the sort key are broken by arrival order.
 * A token only continues the listing it came from (same sort, order and filter); anything else, or
 * a token that was not handed out, is `INVALID_ARGUMENT`.
 */
export function listPage(all: readonly StoredFile[], query: ListQuery): ListPage {
  const { sortBy, descending, limit } = query;
  const needle = query.filter.toLowerCase();
  const signature = `${sortBy}:${descending ? "d" : "a"}:${query.filter}`;
  const sign = descending ? -1 : 1;
  const compare = (a: { k: string | number; n: number }, b: { k: string | number; n: number }) =>
    sign * (compareKeys(a.k, b.k) || a.n - b.n);
  const rows = all
    .filter((f) => needle === "" || f.filename.toLowerCase().includes(needle))
    .map((file) => ({ file, k: keyOf(file, sortBy), n: file.sequence }))
    .sort(compare);
  const cursor = query.token === "" ? undefined : decodeCursor(query.token, signature);
  const start = cursor === undefined ? 0 : rows.findIndex((row) => compare(row, cursor) > 0);
  const rest = start < 0 ? [] : rows.slice(start);
  const page = rest.slice(0, limit);
  const last = page.at(-1);
  const nextToken = rest.length > limit && last ? encodeCursor({ q: signature, k: last.k, n: last.n }) : "";
  return { files: page.map((row) => row.file), nextToken };
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

function decodeCursor(token: string, signature: string): Cursor {
  let cursor: Partial<Cursor> | undefined;
  try {
    cursor = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as Partial<Cursor>;
  } catch {
    cursor = undefined;
  }
  if (
    !cursor ||
    typeof cursor.n !== "number" ||
    (typeof cursor.k !== "string" && typeof cursor.k !== "number")
  ) {
    throw invalidArgument("pagination_token is not a token returned by ListFiles");
  }
  if (cursor.q !== signature) {
    throw invalidArgument("pagination_token belongs to a listing with another sort_by, order or filter");
  }
  return { q: cursor.q, k: cursor.k, n: cursor.n };
}
