import { timestampDate } from "@bufbuild/protobuf/wkt";
import { ErrorCode, type Resource } from "@modelcontextprotocol/sdk/types.js";
import { Files, FilesSortBy, Ordering } from "../../gen/xai/api/v1/files_pb.js";
import { JsonRpcError } from "../json-rpc-error.js";
import { formatBytes } from "../media/byte-size.js";
import { guessMediaType } from "../media/media-type.js";
import type { ReadContext } from "./resource-contents.js";
import { resourceUri, TEMPLATES } from "./resource-uris.js";

/** Files per `resources/list` page. */
export const FILE_PAGE_SIZE = 50;

/** MCP cursors of file pages: this prefix, then xAI's page token (so a stray cursor is recognised). */
const CURSOR_PREFIX = "files:";

const fileTemplate = TEMPLATES.find((t) => t.kind === "file");

/** xAI's page token inside an MCP cursor; a cursor this server did not give out is refused. */
export function pageToken(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  if (!cursor.startsWith(CURSOR_PREFIX) || cursor.length === CURSOR_PREFIX.length) {
    throw new JsonRpcError(
      ErrorCode.InvalidParams,
      `unknown cursor "${cursor}": pass a nextCursor of resources/list`,
    );
  }
  return cursor.slice(CURSOR_PREFIX.length);
}

/** One page of the account's files, the most recent first, as resources; `nextCursor` continues. */
export async function listFileResources(
  ctx: Pick<ReadContext, "client" | "signal">,
  cursor: string | undefined,
): Promise<{ resources: Resource[]; nextCursor?: string }> {
  if (!fileTemplate) return { resources: [] };
  const token = pageToken(cursor);
  const page = await ctx.client.unary(
    Files.method.listFiles,
    {
      limit: FILE_PAGE_SIZE,
      order: Ordering.DESCENDING,
      sortBy: FilesSortBy.CREATED_AT,
      ...(token !== undefined ? { paginationToken: token } : {}),
    },
    { signal: ctx.signal },
  );
  const resources = page.data.map((f): Resource => {
    const size = Number(f.size);
    const created = f.createdAt ? timestampDate(f.createdAt).toISOString() : "at an unknown time";
    return {
      uri: resourceUri(fileTemplate, f.id),
      name: f.filename || f.id,
      title: f.filename || f.id,
      description: `File ${f.id}, ${formatBytes(size)}, uploaded ${created}.`,
      mimeType: guessMediaType(f.filename),
      size,
    };
  });
  const next = page.paginationToken;
  return { resources, ...(next ? { nextCursor: `${CURSOR_PREFIX}${next}` } : {}) };
}
