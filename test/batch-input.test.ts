import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, toBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import {
  AddBatchRequestsRequestSchema,
  type BatchRequest,
  BatchRequestSchema,
} from "../gen/xai/api/v1/batch_pb.js";
import { BATCH_SCHEMAS } from "../src/batch/batch-service.js";
import { prepareBulkInput } from "../src/batch/bulk-input.js";
import { elementSize, MAX_CHUNK_BYTES, planChunks, varintSize } from "../src/batch/chunking.js";
import { listProblems, parseJsonlLines } from "../src/batch/jsonl-input.js";
import { assignRequestIds, stableRequestId } from "../src/batch/request-ids.js";
import { AllowedRoots } from "../src/files/allowed-roots.js";
import { MAX_MESSAGE_BYTES } from "../src/grpc/channel-options.js";
import { ZodSchemas } from "../src/schema/zod-schema.js";

const schemas = BATCH_SCHEMAS;
const validator = new ZodSchemas().message(schemas.request);

const numbered = (texts: string[]) => texts.map((text, i) => ({ line: i + 1, text }));
async function* stream(texts: string[]) {
  yield* numbered(texts);
}

const chat = (text: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    ...extra,
    completion_request: { model: "grok-4", messages: [{ role: "user", content: text }] },
  });

describe("JSONL lines", () => {
  it("are checked like tool arguments: shorthands accepted, problems named by line", async () => {
    const parsed = await parseJsonlLines(
      numbered([
        chat("hi"),
        "   ",
        '{"completion_request":{"model":"grok-4","messages":[{"role":"ROLE_NOPE"}]}}',
        '{"image_request":{"prompt":"a cat","model":"grok-imagine-image","n":"two"}}',
        "null",
        '{"batch_request_id":"a","video_request":{"prompt":"waves","model":"grok-imagine-video"}}',
      ]),
      schemas.request,
      validator,
    );
    expect(parsed.lines.map((l) => l.line)).toEqual([1, 6]);
    expect(parsed.lines[0]?.request.request.case).toBe("completionRequest");
    expect(parsed.badLines).toEqual([3, 4, 5]);
    expect(parsed.problems[0]).toMatch(/^line 3: completion_request\.messages\[0\]\.role: /);
    expect(parsed.problems[1]).toMatch(/^line 4: image_request\.n: /);
    expect(parsed.problems[2]).toBe("line 5: expected one JSON object (a BatchRequest), got null");
  });

  it("list at most 20 problems, then a count", () => {
    const problems = Array.from({ length: 25 }, (_, i) => `line ${i + 1}: bad`);
    const listed = listProblems(problems);
    expect(listed).toHaveLength(21);
    expect(listed.at(-1)).toBe("… and 5 more problems");
  });
});

describe("request ids", () => {
  it("are stable: the same batch, line and text give the same id", () => {
    const a = stableRequestId("batch-1", 7, "d1");
    expect(a).toMatch(/^line-7-[0-9a-f]{12}$/);
    expect(stableRequestId("batch-1", 7, "d1")).toBe(a);
    expect(stableRequestId("batch-1", 8, "d1")).not.toBe(a);
    expect(stableRequestId("batch-2", 7, "d1")).not.toBe(a);
    expect(stableRequestId("batch-1", 7, "d2")).not.toBe(a);
  });

  it("keep explicit ids, fill the others, and report repeats with both lines", () => {
    const lines = [
      { line: 1, digest: "x", request: { batchRequestId: "mine" } },
      { line: 2, digest: "y", request: {} as { batchRequestId?: string } },
      { line: 4, digest: "z", request: { batchRequestId: "mine" } },
    ];
    expect(assignRequestIds("b", lines)).toEqual(['line 4: batch_request_id "mine" repeats line 1']);
    expect(lines[1]?.request.batchRequestId).toBe(stableRequestId("b", 2, "y"));
  });
});

describe("chunk planning", () => {
  it("measures exactly what toBinary encodes", () => {
    const requests: BatchRequest[] = Array.from({ length: 300 }, (_, i) =>
      create(BatchRequestSchema, {
        batchRequestId: `r-${i}`,
        request: {
          case: "completionRequest",
          value: {
            model: "grok-4",
            messages: [{ content: [{ content: { case: "text", value: "x".repeat(i * 7) } }] }],
          },
        },
      }),
    );
    const batchId = "batch-0123";
    const sizes = requests.map((r) => toBinary(BatchRequestSchema, r).byteLength);
    const envelope = elementSize(batchId.length);
    const chunks = planChunks(sizes, envelope, { maxBytes: 64 * 1024, maxCount: 1000 });
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks[0]?.start).toBe(0);
    expect(chunks.at(-1)?.end).toBe(requests.length);
    for (const c of chunks) {
      const message = create(AddBatchRequestsRequestSchema, {
        batchId,
        batchRequests: requests.slice(c.start, c.end),
      });
      expect(toBinary(AddBatchRequestsRequestSchema, message).byteLength).toBe(c.bytes);
      expect(c.bytes).toBeLessThanOrEqual(64 * 1024);
    }
  });

  it("caps the count per chunk and keeps order", () => {
    const chunks = planChunks(new Array(2500).fill(10), 12, { maxBytes: 1 << 20, maxCount: 1000 });
    expect(chunks.map((c) => [c.start, c.end])).toEqual([
      [0, 1000],
      [1000, 2000],
      [2000, 2500],
    ]);
  });

  it("knows varint sizes at their boundaries", () => {
    expect([0, 127, 128, 16383, 16384, 2 ** 21].map(varintSize)).toEqual([1, 1, 2, 2, 3, 4]);
  });
});

describe("a bulk input", () => {
  it("of large requests is cut into chunks that each stay under the 20 MiB message limit", async () => {
    // 45 requests of ~1 MiB each: three chunks by size, far below the count cap.
    const big = "y".repeat(1024 * 1024);
    const texts = Array.from({ length: 45 }, (_, i) => chat(`${i} ${big}`));
    const ready = await prepareBulkInput(stream(texts), "batch-big", schemas, validator);
    if (!ready.ok) throw new Error(ready.problems.join("\n"));
    expect(ready.chunks.length).toBe(3);
    for (const c of ready.chunks) {
      const message = create(AddBatchRequestsRequestSchema, {
        batchId: "batch-big",
        batchRequests: ready.requests.slice(c.start, c.end),
      });
      const bytes = toBinary(AddBatchRequestsRequestSchema, message).byteLength;
      expect(bytes).toBe(c.bytes);
      expect(bytes).toBeLessThanOrEqual(MAX_CHUNK_BYTES);
      expect(bytes).toBeLessThan(MAX_MESSAGE_BYTES);
    }
  });

  it("refuses a request too big for any message, naming its line", async () => {
    const huge = chat("z".repeat(MAX_MESSAGE_BYTES));
    const ready = await prepareBulkInput(stream([chat("ok"), huge]), "b", schemas, validator);
    expect(ready.ok).toBe(false);
    if (ready.ok) return;
    expect(ready.badLines).toEqual([2]);
    expect(ready.problems[0]).toMatch(/^line 2: the request is \d+ bytes encoded/);
  });

  it("refuses a line without a request kind, and a file of blank lines", async () => {
    const none = await prepareBulkInput(stream(['{"batch_request_id":"q"}']), "b", schemas, validator);
    expect(none).toMatchObject({ ok: false, badLines: [1] });
    const blank = await prepareBulkInput(stream(["", "  "]), "b", schemas, validator);
    expect(blank).toMatchObject({ ok: false, problems: ["the file holds no requests (only blank lines)"] });
  });

  it("gives the same ids on every read of the same file", async () => {
    const texts = [chat("a"), "", chat("b", { batch_request_id: "own" }), chat("a")];
    const first = await prepareBulkInput(stream(texts), "batch-7", schemas, validator);
    const second = await prepareBulkInput(stream(texts), "batch-7", schemas, validator);
    if (!first.ok || !second.ok) throw new Error("refused");
    const ids = first.requests.map((r) => r.batchRequestId);
    expect(second.requests.map((r) => r.batchRequestId)).toEqual(ids);
    expect(ids[1]).toBe("own");
    expect(ids[0]).toMatch(/^line-1-/);
    // Two identical lines are two requests.
    expect(ids[2]).toMatch(/^line-4-/);
    expect(first.lineOf).toEqual([1, 3, 4]);
    expect(first.generatedIds).toBe(2);
  });

  it("reads local images of a line as data URLs, under the allowed directories only", async () => {
    const dir = await mkdtemp(join(tmpdir(), "batch-input-"));
    try {
      // A 1×1 PNG.
      const png = Buffer.from(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
        "base64",
      );
      await writeFile(join(dir, "dot.png"), png);
      const withImage = (path: string) =>
        JSON.stringify({
          completion_request: {
            model: "grok-4",
            messages: [
              { role: "user", content: [{ text: "What is this?" }, { image_url: { image_url: path } }] },
            ],
          },
        });
      const roots = new AllowedRoots([dir]);
      const ready = await prepareBulkInput(
        stream([withImage("dot.png"), withImage("/etc/hosts")]),
        "b",
        schemas,
        validator,
        {
          roots,
        },
      );
      expect(ready.ok).toBe(false);
      if (ready.ok) return;
      expect(ready.badLines).toEqual([2]);
      expect(ready.problems[0]).toMatch(/^line 2: .*image_url/);
      const good = await prepareBulkInput(stream([withImage("dot.png")]), "b", schemas, validator, { roots });
      if (!good.ok) throw new Error(good.problems.join("\n"));
      const json = JSON.stringify(good.requests[0]?.request.value);
      expect(json).toContain(`data:image/png;base64,${png.toString("base64")}`);
      const chunk = good.chunks[0];
      const message = create(AddBatchRequestsRequestSchema, { batchId: "b", batchRequests: good.requests });
      expect(toBinary(AddBatchRequestsRequestSchema, message).byteLength).toBe(chunk?.bytes);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("stops reading once the requests outgrow what one call holds in memory", async () => {
    const texts = Array.from({ length: 100 }, (_, i) => chat(`${i} ${"w".repeat(1000)}`));
    const ready = await prepareBulkInput(stream(texts), "b", schemas, validator, { maxTotalBytes: 20_000 });
    expect(ready.ok).toBe(false);
    if (ready.ok) return;
    expect(ready.badLines).toHaveLength(1);
    expect(ready.problems[0]).toMatch(/^line 20: the requests up to here come to more than 20000 bytes/);
  });
});
