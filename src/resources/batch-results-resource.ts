import { toJson } from "@bufbuild/protobuf";
import type { ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";
import { BatchMgmt, BatchResultSchema } from "../../gen/xai/api/v1/batch_pb.js";
import { collectInline, type FetchPage, shrinkOnOversize } from "../batch/paging.js";
import { withStatusName } from "../batch/status-names.js";
import { INLINE_TEXT_MAX_BYTES } from "../tools/handlers/files-retrieve-file-content.js";
import { toolNameOf } from "../tools/tool-names.js";
import type { ReadContext } from "./resource-contents.js";

type Json = Record<string, unknown>;

/**
 * `xai://batches/{batch_id}/results`: the finished results as JSONL, one `BatchResult` in protobuf
 * JSON per line (errors with their status name), every page while they fit in the inline text
 * limit (128 KiB). A longer set ends at a whole result, and a second text says how to get the rest.
 */
export async function readBatchResults(
  ctx: ReadContext,
  uri: string,
  id: string,
): Promise<ReadResourceResult> {
  const m = BatchMgmt.method.listBatchResults;
  // A page of big results (images as data URLs) can exceed the message limit: ask for fewer.
  const fetch: FetchPage = shrinkOnOversize(async (token, limit) => {
    const r = await ctx.client.unary(
      m,
      { batchId: id, limit: limit ?? 0, paginationToken: token },
      { signal: ctx.signal },
    );
    return {
      items: r.results.map((x) =>
        withStatusName(toJson(BatchResultSchema, x, { useProtoFieldName: true }) as Json),
      ),
      token: r.paginationToken,
    };
  });
  const got = await collectInline(fetch, {
    token: undefined,
    limit: undefined,
    allPages: true,
    budget: INLINE_TEXT_MAX_BYTES,
  });
  const text = got.items.map((item) => `${JSON.stringify(item)}\n`).join("");
  const contents: ReadResourceResult["contents"] = [{ uri, mimeType: "application/jsonl", text }];
  if (got.stop !== "end") {
    const toFile = await ctx.offers(toolNameOf(m), "output_path");
    const rest = toFile
      ? { batch_id: id, all_pages: true, output_path: "<a .jsonl path inside the allowed directories>" }
      : { batch_id: id, pagination_token: got.nextToken };
    const more =
      got.stop === "caught-up"
        ? "Requests are still running: read again later for their results."
        : `More results than fit inline: get ${toFile ? "them all in a file" : "the rest"} with ${toolNameOf(m)} ${JSON.stringify(rest)}.`;
    contents.push({ uri, mimeType: "text/plain", text: `${got.items.length} results shown. ${more}` });
  }
  return { contents };
}
