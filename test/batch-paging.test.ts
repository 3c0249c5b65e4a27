import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromJson, type JsonObject } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BatchResultSchema,
  BatchSchema,
  GetBatchRequestResultResponseSchema,
  ListBatchRequestMetadataResponseSchema,
  ListBatchResultsResponseSchema,
} from "../gen/xai/api/v1/batch_pb.js";
import { existingKeys, JsonlWriter } from "../src/batch/jsonl-writer.js";
import {
  collectInline,
  elideLongStrings,
  type FetchPage,
  fittingCount,
  PagingError,
  shrinkOnOversize,
  writePages,
} from "../src/batch/paging.js";
import { ResultSummary } from "../src/batch/result-summary.js";
import { namedStatus, withStatusName } from "../src/batch/status-names.js";
import { percentDone, renderBatch } from "../src/tools/render/batch.js";
import {
  renderMetadataPage,
  renderRequestResult,
  renderResultsPage,
} from "../src/tools/render/batch-results.js";

type Json = Record<string, unknown>;

/**
 * A list server over `items`: the token is the index to start at; `pendingTail` keeps a token on
 * the last page, like ListBatchResults while requests are still pending.
 */
function listOf(items: Json[], o: { defaultLimit?: number; pendingTail?: boolean } = {}) {
  const calls: { token: string | undefined; limit: number | undefined }[] = [];
  const fetch: FetchPage = async (token, limit) => {
    calls.push({ token, limit });
    const start = token ? Number(token) : 0;
    const end = Math.min(items.length, start + (limit || o.defaultLimit || 10));
    const more = end < items.length || o.pendingTail;
    return { items: items.slice(start, end), token: more ? String(end) : "" };
  };
  return { fetch, calls };
}

const item = (i: number, bytes = 10): Json => ({ batch_request_id: `r-${i}`, pad: "x".repeat(bytes) });

describe("inline lists", () => {
  it("return one page with its token", async () => {
    const { fetch } = listOf(Array.from({ length: 25 }, (_, i) => item(i)));
    const col = await collectInline(fetch, { token: undefined, limit: undefined, allPages: false });
    expect(col).toMatchObject({ pages: 1, nextToken: "10", stop: "one-page" });
    expect(col.items).toHaveLength(10);
  });

  it("follow every page while small", async () => {
    const { fetch } = listOf(Array.from({ length: 25 }, (_, i) => item(i)));
    const col = await collectInline(fetch, { token: undefined, limit: undefined, allPages: true });
    expect(col).toMatchObject({ pages: 3, nextToken: undefined, stop: "end" });
    expect(col.items).toHaveLength(25);
  });

  it("stop before the page that would overflow, with the token that fetches it", async () => {
    const { fetch } = listOf(Array.from({ length: 100 }, (_, i) => item(i, 100)));
    const col = await collectInline(fetch, {
      token: undefined,
      limit: undefined,
      allPages: true,
      budget: 3000,
    });
    expect(col.stop).toBe("budget");
    expect(col.items).toHaveLength(20);
    expect(col.nextToken).toBe("20");
  });

  it("refetch an oversized first page with a limit that fits, so the token loses nothing", async () => {
    const { fetch, calls } = listOf(
      Array.from({ length: 100 }, (_, i) => item(i, 100)),
      { defaultLimit: 50 },
    );
    const col = await collectInline(fetch, { token: "5", limit: undefined, allPages: false, budget: 2000 });
    expect(col.shrunk).toEqual({
      from: 50,
      to: fittingCount(
        Array.from({ length: 50 }, (_, i) => item(i, 100)),
        2000,
      ),
    });
    expect(calls.at(-1)).toEqual({ token: "5", limit: col.shrunk?.to });
    expect(col.items[0]?.batch_request_id).toBe("r-5");
    expect(col.nextToken).toBe(String(5 + col.items.length));
  });

  it("shorten the long strings of a single item too big for any answer, and say so", async () => {
    const { fetch } = listOf([item(0, 50_000), item(1)]);
    const col = await collectInline(fetch, {
      token: undefined,
      limit: undefined,
      allPages: false,
      budget: 1000,
    });
    expect(col.items).toHaveLength(1);
    expect(col.elided).toBe(true);
    expect(String(col.items[0]?.pad)).toContain("more characters not shown inline");
    expect(col.nextToken).toBe("1");
    expect(elideLongStrings({ a: ["short"] })).toEqual({ a: ["short"] });
  });

  it("stop once caught up with a list that is still growing", async () => {
    const { fetch } = listOf(
      Array.from({ length: 12 }, (_, i) => item(i)),
      { pendingTail: true },
    );
    const col = await collectInline(fetch, { token: undefined, limit: undefined, allPages: true });
    expect(col).toMatchObject({ stop: "caught-up", nextToken: "12" });
    expect(col.items).toHaveLength(12);
  });
});

describe("pages too big to receive", () => {
  it("are asked for again with half as many items, and later pages keep the smaller size", async () => {
    const { fetch: base, calls } = listOf(Array.from({ length: 100 }, (_, i) => item(i)));
    const tooBig = { code: 8, details: "Received message larger than max (30000000 vs 20971520)" };
    const fetch = shrinkOnOversize(async (token, limit) => {
      if ((limit ?? 100) > 12) throw tooBig;
      return base(token, limit);
    });
    const first = await fetch(undefined, 50);
    expect(first.items).toHaveLength(12);
    const second = await fetch(first.token, 50);
    expect(second.items[0]?.batch_request_id).toBe("r-12");
    expect(calls.map((c) => c.limit)).toEqual([12, 12]);
    // A rate limit is not a size problem: it is not retried here.
    const limited = shrinkOnOversize(async () => {
      throw { code: 8, details: "rate limit" };
    });
    await expect(limited(undefined, 10)).rejects.toMatchObject({ details: "rate limit" });
  });
});

describe("lists written to a file", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "batch-paging-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("write each item once, even when a page repeats one", async () => {
    const items = Array.from({ length: 25 }, (_, i) => item(i));
    const { fetch: base } = listOf(items);
    // A server that repeats the last item of each page at the start of the next.
    const fetch: FetchPage = async (token, limit) => {
      const page = await base(token, limit);
      const start = token ? Number(token) : 0;
      return start > 0 ? { ...page, items: [items[start - 1] as Json, ...page.items] } : page;
    };
    const path = join(dir, "once.jsonl");
    const writer = await JsonlWriter.open(path, false);
    const run = await writePages(fetch, {
      token: undefined,
      limit: undefined,
      allPages: true,
      key: (x) => String(x.batch_request_id),
      seen: new Set(),
      write: (x) => writer.write(x),
    });
    await writer.close();
    expect(run).toMatchObject({ pages: 3, written: 25, duplicates: 2, stop: "end" });
    const lines = (await readFile(path, "utf8")).trim().split("\n");
    expect(lines.map((l) => JSON.parse(l).batch_request_id)).toEqual(items.map((x) => x.batch_request_id));
  });

  it("fail with the token that resumes right at the failed page", async () => {
    const { fetch: base } = listOf(Array.from({ length: 25 }, (_, i) => item(i)));
    const fetch: FetchPage = async (token, limit) => {
      if (token === "20") throw new Error("connection reset");
      return base(token, limit);
    };
    const written: Json[] = [];
    const run = writePages(fetch, {
      token: undefined,
      limit: undefined,
      allPages: true,
      key: (x) => String(x.batch_request_id),
      seen: new Set(),
      write: async (x) => void written.push(...x),
    });
    await expect(run).rejects.toBeInstanceOf(PagingError);
    await expect(run).rejects.toMatchObject({ progress: { pages: 2, written: 20, resumeToken: "20" } });
    expect(written).toHaveLength(20);
  });

  it("append after a file that lacks its final newline, and know what it holds", async () => {
    const path = join(dir, "append.jsonl");
    await writeFile(path, '{"batch_request_id":"a"}\n{"batch_request_id":"b"}');
    expect(await existingKeys(path, "batch_request_id")).toEqual(new Set(["a", "b"]));
    const writer = await JsonlWriter.open(path, true);
    await writer.write([{ batch_request_id: "c" }]);
    await writer.close();
    expect(await readFile(path, "utf8")).toBe(
      '{"batch_request_id":"a"}\n{"batch_request_id":"b"}\n{"batch_request_id":"c"}\n',
    );
    expect(await existingKeys(join(dir, "missing.jsonl"), "batch_request_id")).toEqual(new Set());
  });
});

describe("statuses and summaries", () => {
  it("name a google.rpc.Status beside its number", () => {
    expect(namedStatus({ code: 5, message: "no such model" })).toEqual({
      code: 5,
      status: "NOT_FOUND",
      message: "no such model",
    });
    expect(withStatusName({ batch_request_id: "a", response: {} })).toEqual({
      batch_request_id: "a",
      response: {},
    });
    expect(withStatusName({ batch_request_id: "a", error: { code: 8 } }).error).toEqual({
      code: 8,
      status: "RESOURCE_EXHAUSTED",
    });
  });

  it("count successes and failures by status, listing the first failures", () => {
    const summary = new ResultSummary(2);
    const add = (json: JsonObject) => summary.add(fromJson(BatchResultSchema, json));
    add({ batch_request_id: "a", response: {} });
    add({ batch_request_id: "b", error: { code: 5, message: "no model" } });
    add({ batch_request_id: "c", error: { code: 5, message: "no model" } });
    add({ batch_request_id: "d", error: { code: 3, message: "bad" } });
    expect(summary.toJSON()).toEqual({
      succeeded: 1,
      failed: 3,
      failed_by_status: { NOT_FOUND: 2, INVALID_ARGUMENT: 1 },
      failures: [
        { batch_request_id: "b", status: "NOT_FOUND", code: 5, message: "no model" },
        { batch_request_id: "c", status: "NOT_FOUND", code: 5, message: "no model" },
      ],
      failures_not_listed: 1,
    });
    expect(summary.lines()).toEqual([
      "1 succeeded, 3 failed",
      "Failures by status: 2 NOT_FOUND, 1 INVALID_ARGUMENT",
      "- b: NOT_FOUND — no model",
      "- c: NOT_FOUND — no model",
      "- … and 1 more failures (all are in the output file)",
    ]);
  });
});

describe("batch texts", () => {
  // Written in protobuf JSON, as the API documents batches; the renderers read the message.
  const batch = (state: JsonObject, extra: JsonObject = {}) =>
    fromJson(BatchSchema, {
      batch_id: "batch-1",
      name: "nightly",
      create_time: "2026-01-01T00:00:00Z",
      state,
      cost_breakdown: { total_cost_usd_ticks: "25000000000" },
      ...extra,
    });

  it("show counts, share done, cost and what to call next", () => {
    const running = renderBatch(
      batch({ num_requests: "1000", num_pending: "266", num_success: "730", num_error: "4" }),
    );
    expect(running).toContain(
      'Batch batch-1 "nightly": 1000 requests: 730 succeeded, 4 failed, 0 cancelled, 266 pending (73.4% done).',
    );
    expect(running).toContain("Cost so far: $2.5000.");
    expect(running).toContain('batch_get_batch {"batch_id":"batch-1"}');
    expect(running).toContain("batch_cancel_batch");
    const done = renderBatch(batch({ num_requests: "2", num_success: "2" }));
    expect(done).toContain("(100% done)");
    expect(done).toContain(
      'collect the results: batch_list_batch_results {"batch_id":"batch-1","all_pages":true',
    );
    const empty = renderBatch(batch({}));
    expect(empty).toContain("Next: add requests: batch_add_batch_requests");
    const cancelled = renderBatch(
      batch(
        { num_requests: "3", num_success: "1", num_cancelled: "2" },
        { cancel_time: "2026-01-01T01:00:00Z" },
      ),
    );
    expect(cancelled).toContain("Cancelled at 2026-01-01T01:00:00Z; finished results stay readable.");
  });

  it("never round up to 100% while something is pending", () => {
    expect(percentDone({ total: 10_000, pending: 1, succeeded: 9999, failed: 0, cancelled: 0 })).toBe(
      "99.9%",
    );
  });

  it("list failures first with their status names", () => {
    const text = renderResultsPage(
      fromJson(ListBatchResultsResponseSchema, {
        results: [
          {
            batch_request_id: "a",
            response: { completion_response: { outputs: [{ message: { content: "Four." } }] } },
          },
          { batch_request_id: "b", error: { code: 5, message: "no model grok-0" } },
          { batch_request_id: "c", response: { image_response: { images: [{ url: "https://x/i.png" }] } } },
        ],
        pagination_token: "t2",
      }),
      { batch_id: "batch-1" },
    );
    expect(text.split("\n")).toEqual([
      "3 results: 2 succeeded, 1 failed.",
      "- b: NOT_FOUND: no model grok-0",
      '- a: ok — "Four."',
      "- c: ok — 1 image(s): https://x/i.png",
      'More: batch_list_batch_results {"batch_id":"batch-1","pagination_token":"t2"}',
    ]);
    const requestResult = (json: JsonObject) =>
      renderRequestResult(fromJson(GetBatchRequestResultResponseSchema, json));
    expect(
      requestResult({
        request: { batch_request_id: "b", completion_request: { model: "grok-0" } },
        result: { batch_request_id: "b", error: { code: 5, message: "no model" } },
      }),
    ).toBe("Batch request b, a chat completion (grok-0): failed with NOT_FOUND: no model");
  });

  it("word every kind of request result from the typed response", () => {
    const requestResult = (json: JsonObject) =>
      renderRequestResult(fromJson(GetBatchRequestResultResponseSchema, json));
    expect(
      requestResult({
        request: { batch_request_id: "a", completion_request: { model: "grok-4" } },
        result: {
          batch_request_id: "a",
          response: {
            completion_response: {
              outputs: [
                { message: { role: "ROLE_ASSISTANT", content: "Four." } },
                { message: { role: "ROLE_TOOL", content: "tool output" } },
              ],
            },
          },
        },
      }),
    ).toBe("Batch request a, a chat completion (grok-4): succeeded.\nFour.");
    expect(
      requestResult({
        request: { batch_request_id: "v", video_request: { model: "grok-imagine-video" } },
        result: {
          batch_request_id: "v",
          response: { video_response: { video: { url: "https://v/1.mp4" } } },
        },
      }),
    ).toBe("Batch request v, a video generation (grok-imagine-video): succeeded: video https://v/1.mp4");
    expect(
      requestResult({
        request: { batch_request_id: "i", image_request: {} },
        result: {
          batch_request_id: "i",
          response: { image_response: { images: [{ base64: "" }, { base64: "iVBOR" }] } },
        },
      }),
    ).toBe("Batch request i, a image generation: succeeded: 2 image(s): empty (moderated), base64 data URL");
    expect(requestResult({ request: { batch_request_id: "p", video_extension_request: {} } })).toBe(
      "Batch request p, a video extension: no result yet: still pending, or cancelled (see batch_list_batch_request_metadata for its state).",
    );
    expect(requestResult({})).toBe(
      "Batch request , a request: no result yet: still pending, or cancelled (see batch_list_batch_request_metadata for its state).",
    );
  });

  it("count request states by name, failures first", () => {
    const text = renderMetadataPage(
      fromJson(ListBatchRequestMetadataResponseSchema, {
        batch_request_metadata: [
          {
            batch_request_id: "a",
            state: "STATE_SUCCEEDED",
            model: "grok-4",
            endpoint: "/v1/chat/completions",
            finish_time: "2026-01-01T00:00:05Z",
          },
          {
            batch_request_id: "b",
            state: "STATE_FAILED",
            model: "grok-4",
            endpoint: "/v1/chat/completions",
            finish_time: "2026-01-01T00:00:06Z",
          },
          {
            batch_request_id: "c",
            state: "STATE_PENDING",
            model: "grok-4",
            endpoint: "/v1/chat/completions",
          },
          { batch_request_id: "d", model: "grok-4", endpoint: "/v1/chat/completions" },
          { batch_request_id: "e", state: 9, model: "grok-4", endpoint: "/v1/chat/completions" },
        ],
      }),
      { batch_id: "batch-1" },
    );
    expect(text.split("\n")).toEqual([
      "5 requests (1 SUCCEEDED, 1 FAILED, 1 PENDING, 1 UNKNOWN, 1 9).",
      "- b: FAILED · grok-4 · /v1/chat/completions · finished 2026-01-01T00:00:06Z",
      "- a: SUCCEEDED · grok-4 · /v1/chat/completions · finished 2026-01-01T00:00:05Z",
      "- c: PENDING · grok-4 · /v1/chat/completions",
      "- d: UNKNOWN · grok-4 · /v1/chat/completions",
      "- e: 9 · grok-4 · /v1/chat/completions",
      "This is the last page.",
    ]);
  });
});
