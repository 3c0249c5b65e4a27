import { basename, dirname, join } from "node:path";
import type { DescMethod } from "@bufbuild/protobuf";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { outputTarget } from "../../batch/batch-files.js";
import { existingKeys, JsonlWriter } from "../../batch/jsonl-writer.js";
import {
  collectInline,
  type FetchPage,
  INLINE_BUDGET_BYTES,
  PagingError,
  writePages,
} from "../../batch/paging.js";
import { requireRoots } from "../../files/allowed-roots.js";
import { forArgument, PathAccessError } from "../../files/path-validation.js";
import { SafeDirectory } from "../../files/safe-write.js";
import { isXaiGrpcError } from "../../grpc/grpc-error.js";
import { callHint } from "../render/batch.js";
import type { ToolContext } from "../tool.js";
import { errorResult } from "../tool-error.js";
import { toolNameOf } from "../tool-names.js";

type Json = Record<string, unknown>;

/**
 * How one list tool pages: its name, the field its items are in, how to fetch and show a page.
 * `M` is the item's message type: pages carry the items typed (for the text) and in JSON (for
 * structured content and files).
 */
export interface PagedList<M> {
  /** The list's RPC: its tool is the one "more" hints name. */
  readonly method: DescMethod;
  /** The response field holding the items, e.g. `results`. */
  readonly itemsField: string;
  /** What the items are called in text, plural (`results`). */
  readonly noun: string;
  readonly fetch: FetchPage<M>;
  /** The arguments besides the token that a "more" hint repeats (e.g. the batch id). */
  readonly hintArgs: Json;
  /** Adds what agents need to inline items (status names); the file keeps the plain JSON. */
  readonly decorate?: (item: Json) => Json;
  /** The text of the items shown, and the token that continues after them ("" on the last page). */
  readonly render: (items: M[], token: string, hintArgs: Json) => string;
}

/** Where to start, how much per page, and whether to follow every page. */
export interface PagingRequest {
  readonly token: string | undefined;
  /** 0 or undefined: the server's default page size. */
  readonly limit: number | undefined;
  readonly allPages: boolean;
}

/**
 * A list answered inline: one page, or with `allPages` every page while the answer stays small.
 * The structured content has the response's shape (items plus the token to continue); a single
 * whole page is the server's response itself. Notes say when and why fewer items came back than
 * exist, and how to get the rest.
 */
export async function inlineList<M>(list: PagedList<M>, paging: PagingRequest): Promise<CallToolResult> {
  const col = await collectInline(list.fetch, {
    token: paging.token,
    limit: paging.limit || undefined,
    allPages: paging.allPages,
  });
  const decorate = list.decorate ?? ((x: Json) => x);
  const items = col.items.map(decorate);
  const structured: Json = col.response
    ? { ...col.response, [list.itemsField]: items }
    : {
        [list.itemsField]: items,
        ...(col.nextToken ? { pagination_token: col.nextToken } : {}),
        pages: col.pages,
      };
  const notes: string[] = [];
  const file = callHint(list.method, {
    ...list.hintArgs,
    all_pages: true,
    output_path: `${list.noun}.jsonl`,
  });
  if (col.shrunk) {
    notes.push(
      `The page held ${col.shrunk.from} ${list.noun}, more than fits in one answer (~${INLINE_BUDGET_BYTES / 1024} KiB): only the first ${col.shrunk.to} are here, and the token continues right after them. For everything at once: ${file}`,
    );
  } else if (col.stop === "budget") {
    notes.push(
      `Stopped after ${col.pages} page${col.pages === 1 ? "" : "s"} (${items.length} ${list.noun}) to keep this answer small; continue with the token below, or write everything to a file: ${file}`,
    );
  }
  if (col.elided) notes.push("Long values were shortened in this answer; output_path writes them whole.");
  if (col.stop === "caught-up") {
    notes.push(
      `These are all the ${list.noun} available now; requests are still pending. Call again later with the token below for the ones that finish meanwhile.`,
    );
  }
  const text = [list.render(col.messages, col.nextToken ?? "", list.hintArgs), ...notes].join("\n");
  return { content: [{ type: "text", text }], structuredContent: structured };
}

/** What a run to a file wrote and found, for the tool's summary. */
export interface FileRun {
  readonly path: string;
  readonly appended: boolean;
  /** The file holds the list from its first page (not appended to, not started from a token). */
  readonly fromStart: boolean;
  readonly pages: number;
  readonly written: number;
  /** Items not written again because the file (or this run) already had them. */
  readonly duplicates: number;
  readonly nextToken: string | undefined;
  readonly stop: "end" | "one-page" | "caught-up" | "cancelled";
  readonly elapsedMs: number;
}

/**
 * Writes a list's items to a JSONL file under the allowed roots. A new file, or with `overwrite` a
 * replacement, is written as a temporary file placed when the run ends; with `append` an existing
 * file is continued (items it already holds are skipped). An existing file is never replaced or
 * added to unless the call says so. A run that fails partway keeps what it wrote, so that the
 * rest can be appended. `onMessage` sees every item written, typed, for summaries; progress is per
 * page.
 */
export async function listToFile<M>(
  list: PagedList<M>,
  paging: PagingRequest,
  outputPath: string,
  ctx: ToolContext,
  o: {
    key: (item: Json) => string;
    onMessage?: (message: M) => void;
    total?: number;
    overwrite?: boolean;
    append?: boolean;
  },
): Promise<FileRun> {
  if (o.overwrite && o.append) {
    throw new PathAccessError("output_path: pass overwrite: true or append: true, not both");
  }
  const target = await outputTarget(ctx.roots, outputPath);
  const dir = await forArgument(
    "output_path",
    SafeDirectory.open(requireRoots(ctx.roots), dirname(target), { create: true }),
  );
  try {
    const name = basename(target);
    const existing = await dir.entry(name);
    if (existing && !o.overwrite && !o.append) {
      throw new PathAccessError(
        `output_path: ${target} exists already; pass append: true to add to it (items it holds are skipped) or overwrite: true to replace it`,
      );
    }
    const opened =
      existing && o.append ? await forArgument("output_path", dir.openForAppend(name)) : undefined;
    const appended = opened !== undefined;
    const seen = appended ? await existingKeys(dir.pathOf(name), keyField(list)) : new Set<string>();
    const temp = opened ? undefined : await dir.createTemp(name);
    const handle = opened?.handle ?? temp?.handle;
    if (!handle) throw new Error("no file to write");
    const writer = await JsonlWriter.onHandle(target, handle, appended);
    // The real path the file ends up at (its directory is checked again as it is placed).
    const finish = async (): Promise<string> => {
      if (temp) return forArgument("output_path", temp.place({ name, overwrite: o.overwrite === true }));
      await writer.close();
      return join(await forArgument("output_path", dir.whereNow()), name);
    };
    const started = Date.now();
    let run: Awaited<ReturnType<typeof writePages>>;
    try {
      run = await writePages(list.fetch, {
        token: paging.token,
        limit: paging.limit || undefined,
        allPages: paging.allPages,
        key: o.key,
        seen,
        signal: ctx.signal,
        write: async (items, messages) => {
          await writer.write(items);
          for (const message of messages) o.onMessage?.(message);
        },
        onPage: (written, pages) =>
          ctx.progress(written, o.total, `page ${pages}: ${written} ${list.noun} written to ${outputPath}`),
      });
    } catch (e) {
      // What a failed run wrote stays, for the resume its answer gives; a cancelled one leaves nothing.
      if (e instanceof PagingError && e.progress.written > 0) await finish();
      else if (temp) await temp.discard();
      else await writer.close();
      throw e;
    }
    const path = await finish();
    const fromStart = !appended && (paging.token === undefined || paging.token === "");
    return { path, appended, fromStart, elapsedMs: Date.now() - started, ...run };
  } finally {
    await dir.close();
  }
}

/**
 * The `isError` result of a run to a file that failed partway: the cause (gRPC status and advice),
 * what is already in the file, and the exact call that appends the rest.
 */
export function pagingFailureResult<M>(
  list: PagedList<M>,
  e: PagingError,
  outputPath: string,
): CallToolResult {
  const base = errorResult(e.cause, toolNameOf(list.method));
  const cause = base.content[0]?.type === "text" ? base.content[0].text : e.message;
  const { pages, written, resumeToken } = e.progress;
  const resume =
    resumeToken === undefined
      ? `Call again with the same arguments to start the file over.`
      : `Nothing is lost: append the rest with ${callHint(list.method, { ...list.hintArgs, pagination_token: resumeToken, all_pages: true, output_path: outputPath, append: true })}`;
  const error = isXaiGrpcError(e.cause)
    ? { status: e.cause.status, code: e.cause.code, message: e.cause.details }
    : { message: e.message };
  return {
    isError: true,
    content: [
      {
        type: "text",
        text: `${cause}\n${written} ${list.noun} (${pages} page${pages === 1 ? "" : "s"}) were written to ${outputPath} before the failure. ${resume}`,
      },
    ],
    structuredContent: {
      error,
      output_path: outputPath,
      written,
      pages,
      ...(resumeToken !== undefined ? { pagination_token: resumeToken } : {}),
    },
  };
}

/** The field that identifies an item of this list in a file. */
function keyField<M>(list: PagedList<M>): string {
  return list.itemsField === "batches" ? "batch_id" : "batch_request_id";
}

/** A key for items that may lack their id (never merges two id-less items). */
export function idKey(field: string): (item: Json) => string {
  let anonymous = 0;
  return (item) => {
    const id = item[field];
    if (typeof id === "string" && id !== "") return id;
    anonymous += 1;
    return `\u0000anonymous-${anonymous}`;
  };
}
