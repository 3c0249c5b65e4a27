type Json = Record<string, unknown>;

/** One page of a list call, reduced to what paging needs. */
export interface Page<M = unknown> {
  /** The page's items in protobuf JSON (proto field names). */
  readonly items: Json[];
  /** The same items as typed messages, for the text an agent reads (never shortened). */
  readonly messages?: readonly M[];
  /** The token of the next page; undefined or empty on the last page. */
  readonly token: string | undefined;
  /** The whole response in protobuf JSON, as the server sent it. */
  readonly response?: Json;
}

/** Fetches the page that `token` points at (undefined: the first), with at most `limit` items. */
export type FetchPage<M = unknown> = (
  token: string | undefined,
  limit: number | undefined,
) => Promise<Page<M>>;

/**
 * Bytes of JSON a tool returns inline before it trims: about 8k tokens. Bigger lists belong in a
 * file (`output_path`) or in several calls.
 */
export const INLINE_BUDGET_BYTES = 32 * 1024;

/** Strings longer than this are shortened when a single item alone exceeds the inline budget. */
const ELIDE_STRING_CHARS = 1000;

/** Why an inline collection stopped. */
export type StopReason =
  /** No token: nothing more to list (for results: nothing pending either). */
  | "end"
  /** One page was asked for. */
  | "one-page"
  /** The next page came back empty with a token: results not finished yet (pending requests). */
  | "caught-up"
  /** The inline budget was reached; `nextToken` continues exactly after the last item returned. */
  | "budget";

/** Items gathered for an inline answer. */
export interface InlineCollection<M = unknown> {
  readonly items: Json[];
  /** The items as the typed messages the pages held, when the fetch gave them. */
  readonly messages: M[];
  /** Continue from here (undefined: nothing more). */
  readonly nextToken: string | undefined;
  readonly pages: number;
  readonly stop: StopReason;
  /** Set when a page was too big and was fetched again with a smaller limit. */
  readonly shrunk?: { readonly from: number; readonly to: number };
  /** True when long strings of a single oversized item were shortened. */
  readonly elided: boolean;
  /** The server's response, untouched, when the collection is exactly one whole page. */
  readonly response?: Json;
}

const nonEmpty = (t: string | undefined) => (t === undefined || t === "" ? undefined : t);
const jsonBytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

/** How many leading items fit in `budget` bytes of JSON (at least one). */
export function fittingCount(items: readonly Json[], budget: number): number {
  let bytes = 2;
  for (let i = 0; i < items.length; i++) {
    bytes += jsonBytes(items[i]) + 1;
    if (bytes > budget) return Math.max(1, i);
  }
  return items.length;
}

/** A copy of `value` whose long strings are cut, each saying how much was left out and where to get it. */
export function elideLongStrings(value: unknown, max = ELIDE_STRING_CHARS): unknown {
  if (typeof value === "string") {
    return value.length <= max
      ? value
      : `${value.slice(0, 80)}…[${value.length - 80} more characters not shown inline: use output_path to get them whole]`;
  }
  if (Array.isArray(value)) return value.map((v) => elideLongStrings(v, max));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, elideLongStrings(v, max)]));
  }
  return value;
}

/**
 * Gathers items for an inline answer: one page, or (with `allPages`) page after page while the
 * total stays within `budget`. Never drops an item silently: when a page would overflow, it is left
 * for the returned token (or, if it is the very first page, fetched again with a limit that fits, so
 * the token returned continues right after the last item shown).
 */
export async function collectInline<M>(
  fetch: FetchPage<M>,
  o: { token: string | undefined; limit: number | undefined; allPages: boolean; budget?: number },
): Promise<InlineCollection<M>> {
  const budget = o.budget ?? INLINE_BUDGET_BYTES;
  const items: Json[] = [];
  const messages: M[] = [];
  let bytes = 2;
  let token = nonEmpty(o.token);
  let pages = 0;
  for (;;) {
    let page = await fetch(token, o.limit);
    const pageBytes = jsonBytes(page.items);
    if (bytes + pageBytes > budget) {
      if (items.length > 0)
        return { items, messages, nextToken: token, pages, stop: "budget", elided: false };
      const keep = fittingCount(page.items, budget);
      let shrunk: InlineCollection<M>["shrunk"];
      if (keep < page.items.length) {
        shrunk = { from: page.items.length, to: keep };
        page = await fetch(token, keep);
      }
      const tooBig = jsonBytes(page.items) > budget;
      return {
        items: tooBig ? (elideLongStrings(page.items) as Json[]) : page.items,
        messages: [...(page.messages ?? [])],
        nextToken: nonEmpty(page.token),
        pages: 1,
        stop: "budget",
        ...(shrunk ? { shrunk } : {}),
        elided: tooBig,
      };
    }
    items.push(...page.items);
    messages.push(...(page.messages ?? []));
    bytes += pageBytes;
    pages += 1;
    const next = nonEmpty(page.token);
    if (next === undefined) {
      const response = pages === 1 && page.response ? { response: page.response } : {};
      return { items, messages, nextToken: undefined, pages, stop: "end", elided: false, ...response };
    }
    if (!o.allPages) {
      const response = page.response ? { response: page.response } : {};
      return { items, messages, nextToken: next, pages, stop: "one-page", elided: false, ...response };
    }
    if (page.items.length === 0)
      return { items, messages, nextToken: next, pages, stop: "caught-up", elided: false };
    token = next;
  }
}

/**
 * A run to a file that failed partway: everything before the failing page is written, and listing
 * again from `resumeToken` (appending) continues exactly there.
 */
export class PagingError extends Error {
  override readonly name = "PagingError";
  constructor(
    override readonly cause: unknown,
    readonly progress: {
      readonly pages: number;
      readonly written: number;
      /** The token of the page that failed; undefined when it was the first page. */
      readonly resumeToken: string | undefined;
    },
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

/** What {@link writePages} did. */
export interface WrittenPages {
  readonly pages: number;
  /** Items written to the file. */
  readonly written: number;
  /** Items skipped because their key was already written (by this run or, appending, an earlier one). */
  readonly duplicates: number;
  /** Continue from here (undefined: nothing more). */
  readonly nextToken: string | undefined;
  readonly stop: Exclude<StopReason, "budget"> | "cancelled";
}

/**
 * Fetches pages (one, or with `allPages` every one) and hands each page's new items to `write`,
 * skipping any whose `key` was seen before: the file then holds each item exactly once even if a
 * server repeated one, or an appending run re-read a page an earlier run wrote.
 */
export async function writePages<M>(
  fetch: FetchPage<M>,
  o: {
    token: string | undefined;
    limit: number | undefined;
    allPages: boolean;
    key: (item: Json) => string;
    seen: Set<string>;
    /** The new items in JSON, and typed when the page carried them. */
    write: (items: Json[], messages: M[]) => Promise<void>;
    onPage?: (written: number, pages: number) => Promise<void> | void;
    signal?: AbortSignal;
  },
): Promise<WrittenPages> {
  let token = nonEmpty(o.token);
  let pages = 0;
  let written = 0;
  let duplicates = 0;
  for (;;) {
    let page: Page<M>;
    try {
      page = await fetch(token, o.limit);
      const fresh: Json[] = [];
      const freshMessages: M[] = [];
      for (const [i, item] of page.items.entries()) {
        const k = o.key(item);
        if (o.seen.has(k)) {
          duplicates += 1;
          continue;
        }
        o.seen.add(k);
        fresh.push(item);
        const message = page.messages?.[i];
        if (message !== undefined) freshMessages.push(message);
      }
      await o.write(fresh, freshMessages);
      written += fresh.length;
    } catch (e) {
      throw new PagingError(e, { pages, written, resumeToken: token });
    }
    pages += 1;
    await o.onPage?.(written, pages);
    const next = nonEmpty(page.token);
    const end = (stop: WrittenPages["stop"]): WrittenPages => ({
      pages,
      written,
      duplicates,
      nextToken: next,
      stop,
    });
    if (next === undefined) return end("end");
    if (!o.allPages) return end("one-page");
    if (page.items.length === 0) return end("caught-up");
    if (o.signal?.aborted) return end("cancelled");
    token = next;
  }
}

/** True for the error of a page too big to receive (grpc-js: `Received message larger than max`). */
export function isOversizedPage(e: unknown): boolean {
  const { code, details } = (e ?? {}) as { code?: unknown; details?: unknown };
  return code === 8 && typeof details === "string" && /larger than max/i.test(details);
}

/**
 * A fetch that answers a page too big to receive by asking again for half as many items (down to
 * one), and keeps the smaller size for the pages after it. Result pages hold whole responses, and a
 * page of large images can exceed the 20 MiB message limit.
 */
export function shrinkOnOversize<M>(
  fetch: FetchPage<M>,
  isOversized: (e: unknown) => boolean = isOversizedPage,
  serverDefault = 100,
): FetchPage<M> {
  let cap: number | undefined;
  return async (token, limit) => {
    let current = cap === undefined ? limit : Math.min(cap, limit || cap);
    for (;;) {
      try {
        return await fetch(token, current);
      } catch (e) {
        if (!isOversized(e) || current === 1) throw e;
        current = Math.max(1, Math.floor((current || serverDefault) / 2));
        cap = current;
      }
    }
  };
}
