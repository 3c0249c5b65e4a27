import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Progress } from "@modelcontextprotocol/sdk/types.js";
import { CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../emulator/index.js";
import { stableRequestId } from "../src/batch/request-ids.js";
import { Status } from "../src/grpc/status.js";
import { firstText, type McpSession, startMcpServer } from "./support/mcp-client.js";

type Json = Record<string, unknown>;

const ADD = "/xai_api.BatchMgmt/AddBatchRequests";
/** Figures measured along the way, printed at the end for the record. */
const figures: Record<string, number | string> = {};

let emu: RunningEmulator;
let dir: string;
let mcp: McpSession;

/** The worker's pace can change while it runs: it reads the setting before every request. */
function setPace(ms: number): void {
  (emu.context.config as { batchPaceMs: number }).batchPaceMs = ms;
}

function serverEnv(extra: Record<string, string> = {}) {
  return {
    XAI_API_KEY: emu.context.config.apiKey,
    XAI_API_HOST: emu.url,
    XAI_ALLOWED_DIRS: dir,
    ...extra,
  };
}

interface Called {
  readonly result: {
    isError?: boolean;
    content: { type: string; text?: string }[];
    structuredContent?: Json;
  };
  readonly text: string;
  readonly json: Json;
  readonly progress: Progress[];
}

async function call(name: string, args: Json, session = mcp): Promise<Called> {
  const progress: Progress[] = [];
  const raw = await session.client.callTool({ name, arguments: args }, CallToolResultSchema, {
    onprogress: (p) => progress.push(p),
    timeout: 60_000,
    resetTimeoutOnProgress: true,
  });
  const result = CallToolResultSchema.parse(raw);
  return { result, text: firstText(result), json: (result.structuredContent ?? {}) as Json, progress };
}

async function createBatch(name: string): Promise<string> {
  const { json } = await call("batch_create_batch", { name });
  return String(json.batch_id);
}

async function waitUntilDone(batchId: string, timeoutMs = 30_000): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { json } = await call("batch_get_batch", { batch_id: batchId });
    const state = json.state as Json;
    if (Number(state.num_pending ?? 0) === 0) return json;
    if (Date.now() > deadline) throw new Error(`batch ${batchId} still pending: ${JSON.stringify(state)}`);
    // Polls as the test servers poll deferred jobs: often, so that no test waits on the interval.
    await new Promise((r) => setTimeout(r, 20));
  }
}

const stateOf = (batch: Json) => {
  const s = batch.state as Json;
  const n = (k: string) => Number(s[k] ?? 0);
  return {
    requests: n("num_requests"),
    pending: n("num_pending"),
    success: n("num_success"),
    error: n("num_error"),
    cancelled: n("num_cancelled"),
  };
};

/** A JSONL line of one chat request; shorthands in some lines, as an agent might write them. */
function chatLine(i: number, o: { id?: string; model?: string } = {}): string {
  const message =
    i % 3 === 0
      ? { role: "user", content: `Question ${i}: what is ${i} plus ${i}?` }
      : { role: "ROLE_USER", content: [{ text: `Question ${i}: what is ${i} plus ${i}?` }] };
  return JSON.stringify({
    ...(o.id ? { batch_request_id: o.id } : {}),
    completion_request: { model: o.model ?? "grok-4-fast", messages: [message], max_tokens: 8 },
  });
}

/** The ids the tool must give a file's lines: explicit ones kept, the others stable by line. */
function expectedIds(batchId: string, lines: string[]): string[] {
  const ids: string[] = [];
  lines.forEach((text, i) => {
    if (text.trim() === "") return;
    const explicit = (JSON.parse(text) as Json).batch_request_id;
    const digest = createHash("sha256").update(text.trim()).digest("hex");
    ids.push(typeof explicit === "string" ? explicit : stableRequestId(batchId, i + 1, digest));
  });
  return ids;
}

async function readJsonl(path: string): Promise<Json[]> {
  const text = await readFile(path, "utf8");
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Json);
}

function addCalls(since: number) {
  return emu.context.log.records(ADD).filter((r) => r.startedAt >= since);
}

beforeAll(async () => {
  emu = await startEmulator({ batchPaceMs: 0 });
  dir = await mkdtemp(join(tmpdir(), "batch-tools-"));
  mcp = await startMcpServer(serverEnv());
});

afterAll(async () => {
  await mcp?.close();
  await emu?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  // The figures the issue asks for, in the test output.
  process.stderr.write(`batch figures: ${JSON.stringify(figures)}\n`);
});

describe("a 10,000-request batch from a JSONL file", () => {
  const total = 10_000;
  const badModel = (i: number) => i % 1000 === 500;
  let batchId: string;
  let lines: string[];
  let ids: string[];

  it("adds every request exactly once, across a chunk that fails five times in a row", async () => {
    batchId = await createBatch("ten thousand from a file");
    // Every 7th line names its own id; blank lines are skipped but still count as line numbers.
    lines = [];
    for (let i = 0; i < total; i++) {
      lines.push(
        chatLine(i, {
          ...(i % 7 === 0 ? { id: `q-${i}` } : {}),
          ...(badModel(i) ? { model: "grok-0" } : {}),
        }),
      );
      if (i % 2500 === 1) lines.push("");
    }
    ids = expectedIds(batchId, lines);
    const input = join(dir, "ten-thousand.jsonl");
    await writeFile(input, `${lines.join("\n")}\n`);

    // The fourth chunk fails five times in a row; grpc-js does not retry these calls (see
    // channel-options.ts), so the tool sees each failure and retries the chunk itself.
    const since = Date.now();
    const armed = (async () => {
      for (let k = 0; k < 3; k++) await emu.context.log.nextEnd(ADD, 20_000);
      emu.context.faults.set(ADD, { failNext: 5, status: Status.UNAVAILABLE });
    })();
    const started = Date.now();
    const { result, json, text, progress } = await call("batch_add_batch_requests", {
      batch_id: batchId,
      input_path: input,
    });
    figures.add_10k_ms = Date.now() - started;
    await armed;
    emu.context.faults.clear();

    expect(result.isError ?? false, text).toBe(false);
    expect(json).toMatchObject({
      requests: total,
      chunks: 10,
      added: total,
      already_present: 0,
      chunks_done: 10,
    });
    expect(Number(json.retries)).toBeGreaterThanOrEqual(1);
    figures.add_chunks = Number(json.chunks);
    figures.add_tool_retries = Number(json.retries);
    expect(text).toContain(`Added ${total} of ${total} requests`);

    const calls = addCalls(since);
    expect(calls.filter((c) => c.outcome === "ok")).toHaveLength(10);
    expect(calls.filter((c) => c.outcome === "error" && c.code === Status.UNAVAILABLE)).toHaveLength(5);
    // One progress notification before sending and one per chunk, ending at the total.
    const chunkProgress = progress.filter((p) => /^chunk \d+\/10/.test(p.message ?? ""));
    expect(chunkProgress).toHaveLength(10);
    expect(chunkProgress.at(-1)).toMatchObject({ progress: total, total });

    // The batch holds each line once, with the explicit ids kept and the others stable.
    const meta = await call("batch_list_batch_request_metadata", {
      batch_id: batchId,
      all_pages: true,
      output_path: join(dir, "metadata.jsonl"),
    });
    expect(meta.json).toMatchObject({ written: total, pages: 10 });
    const listed = (await readJsonl(join(dir, "metadata.jsonl"))).map((m) => m.batch_request_id);
    expect(listed).toEqual(ids);
  }, 30_000);

  it("is processed, and every result lands in the output file exactly once, matching the batch state", async () => {
    const started = Date.now();
    const done = await waitUntilDone(batchId);
    figures.process_10k_ms = Date.now() - started;
    const bad = ids.filter((_, k) => badModel(k)).length;
    expect(stateOf(done)).toEqual({
      requests: total,
      pending: 0,
      success: total - bad,
      error: bad,
      cancelled: 0,
    });

    const output = join(dir, "results.jsonl");
    const fetchStarted = Date.now();
    const { result, json, text, progress } = await call("batch_list_batch_results", {
      batch_id: batchId,
      all_pages: true,
      output_path: output,
    });
    figures.fetch_10k_ms = Date.now() - fetchStarted;
    expect(result.isError ?? false, text).toBe(false);
    expect(json).toMatchObject({
      written: total,
      succeeded: total - bad,
      failed: bad,
      failed_by_status: { NOT_FOUND: bad },
      complete: true,
      matches_batch_state: true,
      duplicates_skipped: 0,
    });
    figures.fetch_pages = Number(json.pages);
    expect(progress.length).toBeGreaterThanOrEqual(Number(json.pages));

    const results = await readJsonl(output);
    expect(results).toHaveLength(total);
    const written = results.map((r) => r.batch_request_id as string);
    expect(new Set(written).size).toBe(total);
    expect([...written].sort()).toEqual([...ids].sort());
    // The file holds plain protobuf JSON; the summary and the text carry the status names.
    const failures = json.failures as Json[];
    expect(failures.length).toBe(bad);
    for (const f of failures) expect(f).toMatchObject({ status: "NOT_FOUND", code: Status.NOT_FOUND });
    expect(text).toContain(`Failures by status: ${bad} NOT_FOUND`);
    expect(text).toMatch(/- q-\d+: NOT_FOUND — |- line-\d+-[0-9a-f]{12}: NOT_FOUND — /);
    expect(text).toContain(`Complete: the file holds all ${total} finished results`);
  }, 40_000);

  it("says how to resume when a page fails partway, and the resumed file holds each result once", async () => {
    const LIST = "/xai_api.BatchMgmt/ListBatchResults";
    const output = join(dir, "resumed.jsonl");
    const armed = (async () => {
      for (let k = 0; k < 3; k++) await emu.context.log.nextEnd(LIST, 20_000);
      emu.context.faults.set(LIST, { failNext: 1, status: Status.INTERNAL, message: "page lost" });
    })();
    const failed = await call("batch_list_batch_results", {
      batch_id: batchId,
      all_pages: true,
      output_path: output,
    });
    await armed;
    emu.context.faults.clear();
    expect(failed.result.isError).toBe(true);
    expect(failed.json).toMatchObject({ written: 3000, pages: 3, error: { status: "INTERNAL" } });
    expect(failed.text).toContain("INTERNAL");
    expect(failed.text).toContain("3000 results (3 pages) were written");
    expect(failed.text).toContain("Nothing is lost: append the rest with batch_list_batch_results");
    const resumed = await call("batch_list_batch_results", {
      batch_id: batchId,
      all_pages: true,
      pagination_token: failed.json.pagination_token,
      output_path: output,
      append: true,
    });
    expect(resumed.json).toMatchObject({ appended: true, written: total - 3000, complete: true });
    const written = (await readJsonl(output)).map((r) => r.batch_request_id as string);
    expect(written).toHaveLength(total);
    expect([...written].sort()).toEqual([...ids].sort());
  }, 30_000);

  it("answers a repeat of the same file by adding nothing", async () => {
    const since = Date.now();
    const { json, text } = await call("batch_add_batch_requests", {
      batch_id: batchId,
      input_path: join(dir, "ten-thousand.jsonl"),
    });
    expect(json).toMatchObject({ added: 0, already_present: total });
    expect(text).toContain(`${total} were already in the batch`);
    // Only the first chunk is sent (and refused whole); the listing then filters the rest.
    expect(addCalls(since)).toHaveLength(1);
    const { json: batch } = await call("batch_get_batch", { batch_id: batchId });
    expect(stateOf(batch).requests).toBe(total);
  }, 30_000);

  it("keeps an inline page small, says so and points at output_path", async () => {
    const { json, text } = await call("batch_list_batch_results", { batch_id: batchId, limit: 1000 });
    const shown = (json.results as Json[]).length;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(1000);
    expect(JSON.stringify(json).length).toBeLessThan(40 * 1024);
    expect(text).toContain(`The page held 1000 results`);
    expect(text).toContain('"output_path":"results.jsonl"');
    // The token continues right after the last result shown: nothing is skipped.
    const next = await call("batch_list_batch_results", {
      batch_id: batchId,
      limit: 5,
      pagination_token: json.pagination_token,
    });
    const results = await readJsonl(join(dir, "results.jsonl"));
    expect((next.json.results as Json[]).map((r) => r.batch_request_id)).toEqual(
      results.slice(shown, shown + 5).map((r) => r.batch_request_id),
    );
  }, 20_000);
});

describe("bulk add under failures", () => {
  const lines = Array.from({ length: 2500 }, (_, i) => chatLine(i));

  it("retries a status grpc-js does not retry (INTERNAL) and adds each request once", async () => {
    const batchId = await createBatch("internal error");
    const input = join(dir, "internal.jsonl");
    await writeFile(input, lines.join("\n"));
    emu.context.faults.set(ADD, { failNext: 1, status: Status.INTERNAL });
    const since = Date.now();
    const { json, text } = await call("batch_add_batch_requests", { batch_id: batchId, input_path: input });
    emu.context.faults.clear();
    expect(json, text).toMatchObject({ added: 2500, already_present: 0, chunks: 3, retries: 1 });
    expect(addCalls(since).map((c) => c.outcome)).toEqual(["error", "ok", "ok", "ok"]);
    const { json: batch } = await call("batch_get_batch", { batch_id: batchId });
    expect(stateOf(batch).requests).toBe(2500);
  }, 20_000);

  it("counts a chunk whose UNAVAILABLE answer was lost after it landed as added by this call", async () => {
    const batchId = await createBatch("lost unavailable answer");
    const input = join(dir, "lost-unavailable.jsonl");
    await writeFile(input, lines.join("\n"));
    // The first chunk is stored, but its answer is UNAVAILABLE: a hidden retry would be refused as a
    // duplicate and the chunk counted as present before the call.
    emu.context.faults.set(ADD, { loseAnswerNext: 1, status: Status.UNAVAILABLE });
    const { json, text } = await call("batch_add_batch_requests", { batch_id: batchId, input_path: input });
    emu.context.faults.clear();
    expect(json, text).toMatchObject({ added: 2500, confirmed_after_retry: 1000, already_present: 0 });
    expect(text).not.toMatch(/already present/i);
    const { json: batch } = await call("batch_get_batch", { batch_id: batchId });
    expect(stateOf(batch).requests).toBe(2500);
  }, 20_000);

  it("stops on a status it must not retry (RESOURCE_EXHAUSTED); calling again adds only the rest", async () => {
    const batchId = await createBatch("rate limited");
    const input = join(dir, "limited.jsonl");
    await writeFile(input, lines.join("\n"));
    const armed = (async () => {
      await emu.context.log.nextEnd(ADD, 20_000);
      emu.context.faults.set(ADD, { failNext: 1, status: Status.RESOURCE_EXHAUSTED, message: "rate limit" });
    })();
    const first = await call("batch_add_batch_requests", { batch_id: batchId, input_path: input });
    await armed;
    emu.context.faults.clear();
    expect(first.result.isError).toBe(true);
    expect(first.json).toMatchObject({
      added: 1000,
      chunks_done: 1,
      failed_chunk: 2,
      failed_lines: [1001, 2000],
      uncertain: false,
      error: { status: "RESOURCE_EXHAUSTED" },
    });
    expect(first.text).toContain("stopped at chunk 2/3 (lines 1001–2000)");
    expect(first.text).toContain("RESOURCE_EXHAUSTED");
    expect(first.text).toContain("Calling again with the same batch_id and input_path is safe");

    const again = await call("batch_add_batch_requests", { batch_id: batchId, input_path: input });
    expect(again.result.isError ?? false, again.text).toBe(false);
    expect(again.json).toMatchObject({ added: 1500, already_present: 1000 });
    const { json: batch } = await call("batch_get_batch", { batch_id: batchId });
    expect(stateOf(batch).requests).toBe(2500);
    const meta = await call("batch_list_batch_request_metadata", {
      batch_id: batchId,
      all_pages: true,
      output_path: join(dir, "limited-metadata.jsonl"),
    });
    const listed = (await readJsonl(join(dir, "limited-metadata.jsonl"))).map((m) => m.batch_request_id);
    expect(meta.json.written).toBe(2500);
    expect(listed).toEqual(expectedIds(batchId, lines));
  }, 20_000);

  it("finds a chunk whose answer was lost (the deadline passed after it landed) and does not add it twice", async () => {
    // A second server whose calls time out after 1 s; the emulator answers the first add after 1.5 s,
    // when the client has given up, but stores the chunk all the same.
    // The default backoff: the retry must come after the emulator saw the first call cancelled.
    const short = await startMcpServer(serverEnv({ XAI_TIMEOUT: "1", XAI_MCP_RETRY_BACKOFF_MS: "200" }));
    try {
      const batchId = await createBatch("lost answer");
      const input = join(dir, "lost.jsonl");
      await writeFile(input, lines.slice(0, 1500).join("\n"));
      emu.context.faults.set(ADD, { latencyMs: 1500 });
      const cleared = emu.context.log.nextEnd(ADD, 20_000).then((r) => {
        emu.context.faults.clear();
        return r;
      });
      const since = Date.now();
      const { result, json, text } = await call(
        "batch_add_batch_requests",
        { batch_id: batchId, input_path: input },
        short,
      );
      expect((await cleared).outcome).toBe("cancelled");
      expect(result.isError ?? false, text).toBe(false);
      expect(json).toMatchObject({ added: 1500, confirmed_after_retry: 1000, already_present: 0, chunks: 2 });
      expect(text).toContain("confirmed in the batch after a call whose answer was lost");
      // The timed-out call, the retry refused as a duplicate, and the second chunk.
      const outcomes = addCalls(since).map((c) => [c.outcome, c.code]);
      expect(outcomes).toEqual([
        ["cancelled", Status.CANCELLED],
        ["error", Status.ALREADY_EXISTS],
        ["ok", undefined],
      ]);
      const { json: batch } = await call("batch_get_batch", { batch_id: batchId });
      expect(stateOf(batch).requests).toBe(1500);
    } finally {
      emu.context.faults.clear();
      await short.close();
    }
  }, 20_000);
});

describe("bad input", () => {
  it("names every bad line by number and sends nothing", async () => {
    const batchId = await createBatch("bad lines");
    const good = chatLine(1);
    const hi = [{ role: "user", content: "Hi" }];
    const lines = [
      good,
      "{not json",
      good,
      JSON.stringify({ completion_request: { model: "grok-4", messages: hi, temperature: "hot" } }),
      JSON.stringify({ batch_request_id: "x" }),
      "",
      JSON.stringify({ completion_request: { model: "grok-4", messages: hi }, surprise: 1 }),
      JSON.stringify({ batch_request_id: "dup", completion_request: { model: "grok-4", messages: hi } }),
      JSON.stringify({ batch_request_id: "dup", completion_request: { model: "grok-4", messages: hi } }),
      "[1,2]",
    ];
    const input = join(dir, "bad.jsonl");
    await writeFile(input, lines.join("\n"));
    const since = Date.now();
    const { result, json, text } = await call("batch_add_batch_requests", {
      batch_id: batchId,
      input_path: input,
    });
    expect(result.isError).toBe(true);
    expect(json.bad_lines).toEqual([2, 4, 5, 7, 10]);
    expect(text).toContain("5 of 9 requests");
    expect(text).toContain("nothing was sent to xAI");
    expect(text).toMatch(/line 2: not valid JSON/);
    expect(text).toMatch(/line 4: completion_request\.temperature: /);
    expect(text).toMatch(/line 5: set one of completion_request/);
    expect(text).toMatch(/line 7: surprise: unknown field/);
    expect(text).toMatch(/line 10: expected one JSON object/);
    expect(addCalls(since)).toHaveLength(0);

    // Repeated ids are found once the lines themselves are fine.
    await writeFile(input, lines.filter((_, i) => [0, 2, 7, 8].includes(i)).join("\n"));
    const dup = await call("batch_add_batch_requests", { batch_id: batchId, input_path: input });
    expect(dup.result.isError).toBe(true);
    expect(dup.text).toContain('line 4: batch_request_id "dup" repeats line 3');
    expect(addCalls(since)).toHaveLength(0);
  });

  it("caps the list of problems and counts the rest", async () => {
    const batchId = await createBatch("many bad lines");
    const input = join(dir, "many-bad.jsonl");
    await writeFile(input, Array.from({ length: 60 }, (_, i) => (i % 2 ? "oops" : chatLine(i))).join("\n"));
    const { json, text } = await call("batch_add_batch_requests", { batch_id: batchId, input_path: input });
    expect(json.bad_line_count).toBe(30);
    expect(text).toContain("… and 10 more problems");
    expect(text.match(/^- line \d+/gm)).toHaveLength(20);
  });

  it("refuses paths outside the allowed directories, reading or writing", async () => {
    const batchId = await createBatch("confined");
    const since = Date.now();
    const read = await call("batch_add_batch_requests", { batch_id: batchId, input_path: "/etc/passwd" });
    expect(read.result.isError).toBe(true);
    expect(read.text).toContain("outside the allowed directories");
    const dotdot = await call("batch_add_batch_requests", {
      batch_id: batchId,
      input_path: `${dir}/../x.jsonl`,
    });
    expect(dotdot.result.isError).toBe(true);
    const write = await call("batch_list_batch_results", {
      batch_id: batchId,
      output_path: join(dir, "..", "escaped.jsonl"),
    });
    expect(write.result.isError).toBe(true);
    expect(write.text).toContain("outside the allowed directories");
    expect(addCalls(since)).toHaveLength(0);
  });
});

describe("failed requests and cancellation", () => {
  it("shows a bad model's error as NOT_FOUND, by name, in text and structured content", async () => {
    const batchId = await createBatch("bad model");
    const added = await call("batch_add_batch_requests", {
      batch_id: batchId,
      batch_requests: [
        {
          batch_request_id: "good",
          completion_request: { model: "grok-4", messages: [{ role: "user", content: "Hi" }] },
        },
        {
          batch_request_id: "bad",
          completion_request: { model: "grok-9", messages: [{ role: "user", content: "Hi" }] },
        },
      ],
    });
    expect(added.text).toContain("Added 2 requests");
    await waitUntilDone(batchId);
    const page = await call("batch_list_batch_results", { batch_id: batchId });
    expect(page.text).toContain("2 results: 1 succeeded, 1 failed.");
    expect(page.text).toMatch(/- bad: NOT_FOUND: /);
    const bad = (page.json.results as Json[]).find((r) => r.batch_request_id === "bad") as Json;
    expect(bad.error).toMatchObject({ code: Status.NOT_FOUND, status: "NOT_FOUND" });
    const one = await call("batch_get_batch_request_result", { batch_id: batchId, batch_request_id: "bad" });
    expect(one.text).toMatch(/failed with NOT_FOUND: /);
    expect((one.json.result as Json).error).toMatchObject({ status: "NOT_FOUND" });
    const batch = await call("batch_get_batch", { batch_id: batchId });
    expect(batch.text).toContain("2 requests: 1 succeeded, 1 failed, 0 cancelled, 0 pending (100% done)");
    expect(batch.text).toContain("batch_list_batch_results");
  });

  it("checks items with the direct tools' rules and defaults before sending anything", async () => {
    const batchId = await createBatch("item rules");
    const since = Date.now();
    // Required fields, as for image_generate_image and chat_get_completion: nothing is sent.
    const inline = await call("batch_add_batch_requests", {
      batch_id: batchId,
      batch_requests: [
        { image_request: { model: "grok-imagine-image" } },
        { completion_request: { messages: [{ role: "user", content: "Hi" }] } },
      ],
    });
    expect(inline.result.isError).toBe(true);
    expect(inline.text).toContain("batch_requests[0].image_request.prompt: required");
    expect(inline.text).toContain("batch_requests[1].completion_request.model: required");
    const input = join(dir, "item-rules.jsonl");
    await writeFile(input, JSON.stringify({ image_request: { model: "grok-imagine-image" } }));
    const fromFile = await call("batch_add_batch_requests", { batch_id: batchId, input_path: input });
    expect(fromFile.result.isError).toBe(true);
    expect(fromFile.text).toMatch(/line 1: image_request\.prompt: required/);
    expect(addCalls(since)).toHaveLength(0);

    // Without format, an image item gets the direct tool's default (base64) and succeeds.
    await writeFile(
      input,
      JSON.stringify({
        batch_request_id: "file-image",
        image_request: { prompt: "A cat", model: "grok-imagine-image" },
      }),
    );
    const fromFileOk = await call("batch_add_batch_requests", { batch_id: batchId, input_path: input });
    expect(fromFileOk.result.isError, fromFileOk.text).toBeFalsy();
    const added = await call("batch_add_batch_requests", {
      batch_id: batchId,
      batch_requests: [
        { batch_request_id: "inline-image", image_request: { prompt: "A dog", model: "grok-imagine-image" } },
      ],
    });
    expect(added.result.isError, added.text).toBeFalsy();
    await waitUntilDone(batchId);
    const page = await call("batch_list_batch_results", { batch_id: batchId });
    expect(page.text).toContain("2 results: 2 succeeded, 0 failed.");
  });

  it("cancelled midway, leaves counts that add up and results that match them", async () => {
    const batchId = await createBatch("cancel midway");
    const input = join(dir, "cancel.jsonl");
    await writeFile(input, Array.from({ length: 400 }, (_, i) => chatLine(i)).join("\n"));
    setPace(5);
    try {
      await call("batch_add_batch_requests", { batch_id: batchId, input_path: input });
      let running = await call("batch_get_batch", { batch_id: batchId });
      while (stateOf(running.json).success < 40) {
        await new Promise((r) => setTimeout(r, 50));
        running = await call("batch_get_batch", { batch_id: batchId });
      }
      expect(running.text).toMatch(/% done\)/);
      expect(running.text).toContain("still running");
      // Results while running: what finished so far, with a token to continue later.
      const partial = await call("batch_list_batch_results", {
        batch_id: batchId,
        all_pages: true,
        output_path: join(dir, "cancel-results.jsonl"),
      });
      expect(partial.json.complete).toBe(false);
      expect(typeof partial.json.pagination_token).toBe("string");
      expect(partial.text).toContain("still pending");

      const cancelled = await call("batch_cancel_batch", { batch_id: batchId });
      const s = stateOf(cancelled.json);
      expect(s.pending).toBe(0);
      expect(s.cancelled).toBeGreaterThan(0);
      expect(s.success + s.error + s.cancelled).toBe(400);
      expect(cancelled.text).toContain("Cancelled at");

      // Appending from the token gets the rest, and the file then matches the final counts.
      const rest = await call("batch_list_batch_results", {
        batch_id: batchId,
        all_pages: true,
        pagination_token: partial.json.pagination_token,
        output_path: join(dir, "cancel-results.jsonl"),
        append: true,
      });
      expect(rest.json.appended).toBe(true);
      expect(rest.json.complete).toBe(true);
      const results = await readJsonl(join(dir, "cancel-results.jsonl"));
      expect(results).toHaveLength(s.success + s.error);
      expect(new Set(results.map((r) => r.batch_request_id)).size).toBe(results.length);
      const final = stateOf((await call("batch_get_batch", { batch_id: batchId })).json);
      expect(final).toEqual(s);

      const meta = await call("batch_list_batch_request_metadata", {
        batch_id: batchId,
        all_pages: true,
        output_path: join(dir, "cancel-metadata.jsonl"),
      });
      expect(meta.json.by_state).toEqual({
        STATE_SUCCEEDED: s.success,
        ...(s.error ? { STATE_FAILED: s.error } : {}),
        STATE_CANCELLED: s.cancelled,
      });
    } finally {
      setPace(0);
    }
  }, 30_000);

  it("lists batches page by page, or all of them while small", async () => {
    const one = await call("batch_list_batches", { limit: 2 });
    expect((one.json.batches as Json[]).length).toBe(2);
    expect(one.text).toContain('batch_list_batches {"pagination_token"');
    const all = await call("batch_list_batches", { all_pages: true, limit: 2 });
    const names = (all.json.batches as Json[]).map((b) => b.name);
    expect(names).toContain("ten thousand from a file");
    expect(names).toContain("cancel midway");
    expect(all.json.pagination_token).toBeUndefined();
    expect(all.text).toContain("This is the last page.");
  });
});
