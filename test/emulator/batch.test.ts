import { create } from "@bufbuild/protobuf";
import { type Timestamp, timestampDate } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { batchPrice } from "../../emulator/batch/cost.js";
import { batchService } from "../../emulator/services/batch.js";
import { Auth } from "../../gen/xai/api/v1/auth_pb.js";
import {
  AddBatchRequestsRequestSchema,
  BatchMgmt,
  CreateBatchRequestSchema,
  BatchRequestMetadata_State as State,
} from "../../gen/xai/api/v1/batch_pb.js";
import { GetCompletionsRequestSchema, MessageRole } from "../../gen/xai/api/v1/chat_pb.js";
import { GenerateImageRequestSchema, ImageFormat } from "../../gen/xai/api/v1/image_pb.js";
import { Status } from "../../src/grpc/status.js";
import { useEmulator } from "../support/emulator-fixture.js";
import { allResults, chatRequest, counts, statusOf, waitForBatch } from "./batch-helpers.js";

const fx = useEmulator({ batchPaceMs: 0 });

/** Milliseconds of a timestamp that must be present. */
function ms(ts: Timestamp | undefined): number {
  if (!ts) throw new Error("expected a timestamp");
  return timestampDate(ts).getTime();
}

const createBatch = (name: string, inputFileId?: string) =>
  fx.client.unary(BatchMgmt.method.createBatch, { name, ...(inputFileId ? { inputFileId } : {}) });

describe("CreateBatch and GetBatch", () => {
  it("creates an empty batch with times, key id and zero counts", async () => {
    const before = Date.now();
    const batch = await createBatch("first batch");
    expect(batch.batchId).toMatch(/^batch-/);
    expect(batch.name).toBe("first batch");
    const created = ms(batch.createTime);
    expect(created).toBeGreaterThanOrEqual(before - 1000);
    expect(created).toBeLessThanOrEqual(Date.now() + 1000);
    const expires = ms(batch.expireTime);
    expect(expires - created).toBe(24 * 60 * 60 * 1000);
    expect(batch.cancelTime).toBeUndefined();
    expect(batch.inputFileId).toBeUndefined();
    expect(counts(batch)).toEqual({ requests: 0, pending: 0, success: 0, error: 0, cancelled: 0 });
    expect(batch.costBreakdown?.totalCostUsdTicks).toBe(0n);
    expect(batch.costBreakdown?.endpointCosts).toEqual([]);

    // The key's id, not the key: the same id Auth reports for it.
    const info = await fx.client.unary(Auth.method.get_api_key_info, {});
    expect(batch.createApiKeyId).toBe(info.apiKeyId);
    expect(batch.createApiKeyId).not.toContain(fx.emu.context.config.apiKey);

    const again = await fx.client.unary(BatchMgmt.method.getBatch, { batchId: batch.batchId });
    expect(again.name).toBe("first batch");
    expect(again.createTime).toEqual(batch.createTime);
  });

  it("refuses an empty name, and unknown or missing batch ids", async () => {
    const noName = await statusOf(createBatch("  "));
    expect(noName.code).toBe(Status.INVALID_ARGUMENT);
    expect(noName.details).toContain("name is required");
    const unknown = await statusOf(fx.client.unary(BatchMgmt.method.getBatch, { batchId: "batch-nope" }));
    expect(unknown).toEqual({ code: Status.NOT_FOUND, details: "batch batch-nope does not exist" });
    const empty = await statusOf(fx.client.unary(BatchMgmt.method.getBatch, { batchId: "" }));
    expect(empty.code).toBe(Status.INVALID_ARGUMENT);
  });
});

describe("AddBatchRequests and processing", () => {
  it("processes every request, with exact counts, results, metadata and costs", async () => {
    const batch = await createBatch("mixed");
    await fx.client.unary(BatchMgmt.method.addBatchRequests, {
      batchId: batch.batchId,
      batchRequests: [
        chatRequest("q1", "What is the capital of France?"),
        chatRequest("q2", "Name three primes."),
        chatRequest(undefined, "No id given here."),
        chatRequest("bad-model", "Hello?", "grok-does-not-exist"),
        chatRequest("q3", "Say something emulated.", "grok-3-mini"),
      ],
    });
    const done = await waitForBatch(fx.client, batch.batchId);
    expect(counts(done)).toEqual({ requests: 5, pending: 0, success: 4, error: 1, cancelled: 0 });

    const { results } = await allResults(fx.client, batch.batchId, 100);
    expect(results).toHaveLength(5);
    const ids = results.map((r) => r.batchRequestId);
    // Processed in the order added, so results come in that order too.
    expect(ids[0]).toBe("q1");
    expect(ids[1]).toBe("q2");
    expect(ids[2]).toMatch(/^batch_req-[0-9a-f]+$/);
    expect(ids.slice(3)).toEqual(["bad-model", "q3"]);

    const bad = results[3]?.result;
    expect(bad?.case).toBe("error");
    expect(bad?.case === "error" && bad.value.code).toBe(Status.NOT_FOUND);
    expect(bad?.case === "error" && bad.value.message).toContain("grok-does-not-exist");

    const first = results[0]?.result;
    if (first?.case !== "response" || first.value.response.case !== "completionResponse") {
      throw new Error(`expected a completion response, got ${first?.case}`);
    }
    const completion = first.value.response.value;
    expect(completion.outputs[0]?.message?.content).toBeTruthy();

    // Billed at the batch price: half of what the same request costs on its own.
    const direct = await fx.emu.context.chat.complete(
      create(GetCompletionsRequestSchema, {
        model: "grok-4",
        messages: [
          {
            role: MessageRole.ROLE_USER,
            content: [{ content: { case: "text", value: "What is the capital of France?" } }],
          },
        ],
      }),
    );
    expect(direct.usage?.costInUsdTicks).toBeGreaterThan(0n);
    expect(completion.usage?.costInUsdTicks).toBe(batchPrice(direct.usage?.costInUsdTicks ?? 0n));

    let sum = 0n;
    for (const r of results) {
      if (r.result.case === "response") sum += r.result.value.response.value?.usage?.costInUsdTicks ?? 0n;
    }
    const cost = done.costBreakdown;
    expect(cost?.totalCostUsdTicks).toBe(sum);
    expect(cost?.endpointCosts).toHaveLength(1);
    expect(cost?.endpointCosts[0]?.endpoint).toBe("/v1/chat/completions");
    expect(cost?.endpointCosts[0]?.requestCount).toBe(4n);
    expect(cost?.endpointCosts[0]?.costUsdTicks).toBe(sum);
    expect(cost?.calculationTime).toBeDefined();

    const meta = await fx.client.unary(BatchMgmt.method.listBatchRequestMetadata, { batchId: batch.batchId });
    expect(meta.paginationToken).toBeFalsy();
    expect(meta.batchRequestMetadata.map((m) => [m.batchRequestId, m.model, m.state])).toEqual([
      ["q1", "grok-4", State.SUCCEEDED],
      ["q2", "grok-4", State.SUCCEEDED],
      [ids[2], "grok-4", State.SUCCEEDED],
      ["bad-model", "grok-does-not-exist", State.FAILED],
      ["q3", "grok-3-mini", State.SUCCEEDED],
    ]);
    for (const m of meta.batchRequestMetadata) {
      expect(m.endpoint).toBe("/v1/chat/completions");
      expect(m.createTime).toBeDefined();
      expect(m.finishTime).toBeDefined();
    }
    const failed = await fx.client.unary(BatchMgmt.method.listBatchRequestMetadata, {
      batchId: batch.batchId,
      status: [State.FAILED],
    });
    expect(failed.batchRequestMetadata.map((m) => m.batchRequestId)).toEqual(["bad-model"]);

    const one = await fx.client.unary(BatchMgmt.method.getBatchRequestResult, {
      batchId: batch.batchId,
      batchRequestId: "q2",
    });
    expect(one.request?.batchRequestId).toBe("q2");
    expect(one.request?.request.case).toBe("completionRequest");
    expect(one.result?.batchRequestId).toBe("q2");
    expect(one.result?.result.case).toBe("response");
    const missing = await statusOf(
      fx.client.unary(BatchMgmt.method.getBatchRequestResult, {
        batchId: batch.batchId,
        batchRequestId: "q9",
      }),
    );
    expect(missing.code).toBe(Status.NOT_FOUND);
    expect(missing.details).toContain("q9");
  });

  it("runs image requests too, with costs per endpoint", async () => {
    const batch = await createBatch("with images");
    const image = {
      batchRequestId: "img",
      request: {
        case: "imageRequest" as const,
        value: {
          model: "grok-imagine-image",
          prompt: "a lighthouse at dusk",
          n: 2,
          format: ImageFormat.IMG_FORMAT_URL,
        },
      },
    };
    await fx.client.unary(BatchMgmt.method.addBatchRequests, {
      batchId: batch.batchId,
      batchRequests: [chatRequest("chat", "Describe a lighthouse."), image],
    });
    const done = await waitForBatch(fx.client, batch.batchId);
    expect(counts(done)).toEqual({ requests: 2, pending: 0, success: 2, error: 0, cancelled: 0 });

    const one = await fx.client.unary(BatchMgmt.method.getBatchRequestResult, {
      batchId: batch.batchId,
      batchRequestId: "img",
    });
    const r = one.result?.result;
    if (r?.case !== "response" || r.value.response.case !== "imageResponse")
      throw new Error("expected images");
    const images = r.value.response.value;
    expect(images.images).toHaveLength(2);
    expect(images.images[0]?.image.case).toBe("url");
    const direct = await fx.emu.context.images.generate(
      create(GenerateImageRequestSchema, image.request.value),
    );
    expect(direct.usage?.costInUsdTicks).toBeGreaterThan(0n);
    expect(images.usage?.costInUsdTicks).toBe(batchPrice(direct.usage?.costInUsdTicks ?? 0n));

    const costs = done.costBreakdown?.endpointCosts.map((e) => [e.endpoint, e.requestCount]);
    expect(costs).toEqual([
      ["/v1/chat/completions", 1n],
      ["/v1/images/generations", 1n],
    ]);
    const imageCost = done.costBreakdown?.endpointCosts[1]?.costUsdTicks;
    expect(imageCost).toBe(images.usage?.costInUsdTicks);
    const meta = await fx.client.unary(BatchMgmt.method.listBatchRequestMetadata, { batchId: batch.batchId });
    expect(meta.batchRequestMetadata.map((m) => [m.endpoint, m.model])).toEqual([
      ["/v1/chat/completions", "grok-4"],
      ["/v1/images/generations", "grok-imagine-image"],
    ]);
  });

  it("refuses an empty list, a request with nothing set, and unknown batches", async () => {
    const batch = await createBatch("validation");
    const empty = await statusOf(
      fx.client.unary(BatchMgmt.method.addBatchRequests, { batchId: batch.batchId, batchRequests: [] }),
    );
    expect(empty.code).toBe(Status.INVALID_ARGUMENT);
    const unset = await statusOf(
      fx.client.unary(BatchMgmt.method.addBatchRequests, {
        batchId: batch.batchId,
        batchRequests: [chatRequest("ok", "fine"), { batchRequestId: "nothing" }],
      }),
    );
    expect(unset.code).toBe(Status.INVALID_ARGUMENT);
    expect(unset.details).toContain("batch_requests[1]");
    const unknown = await statusOf(
      fx.client.unary(BatchMgmt.method.addBatchRequests, {
        batchId: "batch-missing",
        batchRequests: [chatRequest("x", "hi")],
      }),
    );
    expect(unknown.code).toBe(Status.NOT_FOUND);
    // Nothing was added by the refused calls.
    const after = await fx.client.unary(BatchMgmt.method.getBatch, { batchId: batch.batchId });
    expect(counts(after).requests).toBe(0);
  });

  it("runs video generation and extension requests", async () => {
    const batch = await createBatch("with videos");
    await fx.client.unary(BatchMgmt.method.addBatchRequests, {
      batchId: batch.batchId,
      batchRequests: [
        {
          batchRequestId: "clip",
          request: {
            case: "videoRequest",
            value: { model: "grok-imagine-video", prompt: "a paper boat on a pond", duration: 2 },
          },
        },
      ],
    });
    await waitForBatch(fx.client, batch.batchId);
    const clip = await fx.client.unary(BatchMgmt.method.getBatchRequestResult, {
      batchId: batch.batchId,
      batchRequestId: "clip",
    });
    const r = clip.result?.result;
    if (r?.case !== "response" || r.value.response.case !== "videoResponse")
      throw new Error("expected a video");
    const url = r.value.response.value.video?.url ?? "";
    expect(r.value.response.value.video?.duration).toBe(2);
    expect((await fetch(url)).headers.get("content-type")).toBe("video/mp4");

    // The clip the batch made can be extended by the same batch.
    await fx.client.unary(BatchMgmt.method.addBatchRequests, {
      batchId: batch.batchId,
      batchRequests: [
        {
          batchRequestId: "longer",
          request: {
            case: "videoExtensionRequest",
            value: {
              model: "grok-imagine-video",
              prompt: "the boat drifts away",
              video: { source: { case: "url", value: url } },
              duration: 2,
            },
          },
        },
      ],
    });
    const done = await waitForBatch(fx.client, batch.batchId);
    expect(counts(done)).toEqual({ requests: 2, pending: 0, success: 2, error: 0, cancelled: 0 });
    const longer = await fx.client.unary(BatchMgmt.method.getBatchRequestResult, {
      batchId: batch.batchId,
      batchRequestId: "longer",
    });
    const e = longer.result?.result;
    if (e?.case !== "response" || e.value.response.case !== "videoResponse")
      throw new Error("expected a video");
    expect(e.value.response.value.video?.duration).toBe(4);
    expect(done.costBreakdown?.endpointCosts.map((c) => [c.endpoint, c.requestCount])).toEqual([
      ["/v1/videos/extensions", 1n],
      ["/v1/videos/generations", 1n],
    ]);
  });

  it("refuses a call over the 20 MiB message limit", async () => {
    // The project's fx.client cannot even send such a message (it caps at 20 MiB, like xAI's), so the
    // handler is called directly, as a fx.client with a higher send limit would reach it.
    const { impl } = batchService(fx.emu.context);
    const call = { method: "", signal: new AbortController().signal, apiKey: "k", headers: {} };
    const run = (name: string, arg: unknown) =>
      (impl[name] as (a: unknown, c: unknown) => unknown)(arg, call);
    const batch = run("createBatch", create(CreateBatchRequestSchema, { name: "big" })) as {
      batchId: string;
    };
    const text = "x".repeat(1024 * 1024);
    const big = create(AddBatchRequestsRequestSchema, {
      batchId: batch.batchId,
      batchRequests: Array.from({ length: 21 }, (_, i) => chatRequest(`big${i}`, text)),
    });
    expect(() => run("addBatchRequests", big)).toThrow(/more than the 20971520-byte limit/);
    const state = run("getBatch", { batchId: batch.batchId }) as { state: { numRequests: bigint } };
    expect(state.state.numRequests).toBe(0n);
  });

  it("refuses a chunk atomically when any id exists already or repeats within it", async () => {
    const batch = await createBatch("dedupe");
    const add = (reqs: ReturnType<typeof chatRequest>[]) =>
      fx.client.unary(BatchMgmt.method.addBatchRequests, { batchId: batch.batchId, batchRequests: reqs });
    await add([chatRequest("a", "one"), chatRequest("b", "two")]);

    const existing = await statusOf(add([chatRequest("c", "three"), chatRequest("a", "one again")]));
    expect(existing.code).toBe(Status.ALREADY_EXISTS);
    expect(existing.details).toContain('"a"');
    expect(existing.details).toContain("batch_requests[1]");

    const repeated = await statusOf(
      add([chatRequest("d", "x"), chatRequest("e", "y"), chatRequest("d", "z")]),
    );
    expect(repeated.code).toBe(Status.ALREADY_EXISTS);
    expect(repeated.details).toContain('"d"');

    const mid = await fx.client.unary(BatchMgmt.method.getBatch, { batchId: batch.batchId });
    expect(counts(mid).requests).toBe(2);
    for (const id of ["c", "d", "e"]) {
      const r = await statusOf(
        fx.client.unary(BatchMgmt.method.getBatchRequestResult, {
          batchId: batch.batchId,
          batchRequestId: id,
        }),
      );
      expect(r.code).toBe(Status.NOT_FOUND);
    }

    // The retry of the corrected chunk goes through once.
    await add([chatRequest("c", "three"), chatRequest("d", "x")]);
    const done = await waitForBatch(fx.client, batch.batchId);
    expect(counts(done)).toEqual({ requests: 4, pending: 0, success: 4, error: 0, cancelled: 0 });
    const { results } = await allResults(fx.client, batch.batchId, 3);
    expect(results.map((r) => r.batchRequestId)).toEqual(["a", "b", "c", "d"]);
  });
});

describe("ListBatches", () => {
  it("pages newest first with opaque tokens", async () => {
    const mine = [];
    for (const n of ["p1", "p2", "p3"]) mine.push((await createBatch(`paged ${n}`)).batchId);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await fx.client.unary(BatchMgmt.method.listBatches, {
        limit: 2,
        ...(token ? { paginationToken: token } : {}),
      });
      expect(page.batches.length).toBeLessThanOrEqual(2);
      seen.push(...page.batches.map((b) => b.batchId));
      token = page.paginationToken || undefined;
      pages += 1;
    } while (token);
    expect(new Set(seen).size).toBe(seen.length);
    // The three newest come first, newest first.
    expect(seen.slice(0, 3)).toEqual([...mine].reverse());
    expect(pages).toBe(Math.ceil(seen.length / 2));

    const all = await fx.client.unary(BatchMgmt.method.listBatches, {});
    expect(all.batches.map((b) => b.batchId)).toEqual(seen);
    expect(all.paginationToken).toBeFalsy();

    const bad = await statusOf(fx.client.unary(BatchMgmt.method.listBatches, { paginationToken: "garbage" }));
    expect(bad.code).toBe(Status.INVALID_ARGUMENT);
    const negative = await statusOf(fx.client.unary(BatchMgmt.method.listBatches, { limit: -1 }));
    expect(negative.code).toBe(Status.INVALID_ARGUMENT);
  });
});

describe("input_file_id", () => {
  const jsonl = (...lines: string[]) => new TextEncoder().encode(lines.join("\n"));
  const line = (id: string, text: string, model = "grok-4") =>
    JSON.stringify({
      batch_request_id: id,
      completion_request: { model, messages: [{ role: "ROLE_USER", content: [{ text }] }] },
    });

  it("seeds a batch from a JSONL file of BatchRequests", async () => {
    const file = fx.emu.context.files.add(
      "requests.jsonl",
      jsonl(line("f1", "first"), "", line("f2", "second"), line("f3", "third", "nope-model"), ""),
    );
    const batch = await createBatch("from file", file.id);
    expect(batch.inputFileId).toBe(file.id);
    expect(counts(batch).requests).toBe(3);
    const done = await waitForBatch(fx.client, batch.batchId);
    expect(counts(done)).toEqual({ requests: 3, pending: 0, success: 2, error: 1, cancelled: 0 });
    const { results } = await allResults(fx.client, batch.batchId, 10);
    expect(results.map((r) => r.batchRequestId)).toEqual(["f1", "f2", "f3"]);
  });

  it("names the line of the first bad one and creates nothing", async () => {
    const before = (await fx.client.unary(BatchMgmt.method.listBatches, { limit: 1000 })).batches.length;
    const cases: [Uint8Array, string][] = [
      [jsonl(line("g1", "ok"), "{not json", line("g3", "ok")), "line 2: not valid JSON"],
      [
        jsonl(line("g1", "ok"), "", JSON.stringify({ batch_request_id: "g3", bogus: 1 })),
        "line 3: not a BatchRequest",
      ],
      [jsonl(line("g1", "ok"), JSON.stringify({ batch_request_id: "g2" })), "line 2: set exactly one of"],
      [
        jsonl(line("g1", "ok"), line("g2", "ok"), line("g1", "again")),
        'line 3: batch_request_id "g1" is repeated',
      ],
    ];
    for (const [bytes, message] of cases) {
      const file = fx.emu.context.files.add("bad.jsonl", bytes);
      const r = await statusOf(createBatch("bad file", file.id));
      expect(r.code).toBe(Status.INVALID_ARGUMENT);
      expect(r.details).toContain(message);
      expect(r.details).toContain(file.id);
    }
    const unknown = await statusOf(createBatch("no file", "file-does-not-exist"));
    expect(unknown.code).toBe(Status.NOT_FOUND);
    const after = (await fx.client.unary(BatchMgmt.method.listBatches, { limit: 1000 })).batches.length;
    expect(after).toBe(before);
  });
});

describe("with a slower pace", () => {
  const slow = useEmulator({ batchPaceMs: 15 });

  it("cancels midway: pending become cancelled, results stay, processing stops", async () => {
    const batch = await slow.client.unary(BatchMgmt.method.createBatch, { name: "to cancel" });
    const requests = Array.from({ length: 60 }, (_, i) => chatRequest(`c${i}`, `request ${i}`));
    await slow.client.unary(BatchMgmt.method.addBatchRequests, {
      batchId: batch.batchId,
      batchRequests: requests,
    });
    await waitForBatch(slow.client, batch.batchId, (b) => (b.state?.numSuccess ?? 0n) >= 3n);

    const cancelled = await slow.client.unary(BatchMgmt.method.cancelBatch, { batchId: batch.batchId });
    const c = counts(cancelled);
    expect(c.requests).toBe(60);
    expect(c.pending).toBe(0);
    expect(c.success).toBeGreaterThanOrEqual(3);
    expect(c.cancelled).toBeGreaterThan(0);
    expect(c.success + c.error + c.cancelled).toBe(60);
    expect(cancelled.cancelTime).toBeDefined();

    await new Promise((r) => setTimeout(r, 100));
    const later = await slow.client.unary(BatchMgmt.method.getBatch, { batchId: batch.batchId });
    expect(counts(later)).toEqual(c);

    const { results } = await allResults(slow.client, batch.batchId, 1000);
    expect(results.map((r) => r.batchRequestId)).toEqual(
      requests.slice(0, c.success).map((r) => r.batchRequestId),
    );
    const meta = await slow.client.unary(BatchMgmt.method.listBatchRequestMetadata, {
      batchId: batch.batchId,
      status: [State.CANCELLED],
      limit: 1000,
    });
    expect(meta.batchRequestMetadata).toHaveLength(c.cancelled);
    expect(meta.batchRequestMetadata.every((m) => m.finishTime !== undefined)).toBe(true);
    const pendingResult = await slow.client.unary(BatchMgmt.method.getBatchRequestResult, {
      batchId: batch.batchId,
      batchRequestId: "c59",
    });
    expect(pendingResult.result?.result.case).toBeUndefined();

    const closed = await statusOf(
      slow.client.unary(BatchMgmt.method.addBatchRequests, {
        batchId: batch.batchId,
        batchRequests: [chatRequest("late", "too late")],
      }),
    );
    expect(closed.code).toBe(Status.FAILED_PRECONDITION);
    const twice = await slow.client.unary(BatchMgmt.method.cancelBatch, { batchId: batch.batchId });
    expect(twice.cancelTime).toEqual(cancelled.cancelTime);
    expect(counts(twice)).toEqual(c);
  });

  it("pages results while processing runs: every id exactly once", async () => {
    const batch = await slow.client.unary(BatchMgmt.method.createBatch, { name: "tail" });
    const n = 120;
    await slow.client.unary(BatchMgmt.method.addBatchRequests, {
      batchId: batch.batchId,
      batchRequests: Array.from({ length: n }, (_, i) => chatRequest(`t${i}`, `tail ${i}`)),
    });
    // Pages start while most requests are still pending: short pages carry a token to come back with.
    const first = await slow.client.unary(BatchMgmt.method.listBatchResults, {
      batchId: batch.batchId,
      limit: 7,
    });
    expect(first.paginationToken).toBeTruthy();
    const { results, pages } = await allResults(slow.client, batch.batchId, 7);
    const ids = results.map((r) => r.batchRequestId);
    expect(ids).toEqual(Array.from({ length: n }, (_, i) => `t${i}`));
    expect(pages).toBeGreaterThan(Math.ceil(n / 7));
    const done = await slow.client.unary(BatchMgmt.method.getBatch, { batchId: batch.batchId });
    expect(counts(done)).toEqual({ requests: n, pending: 0, success: n, error: 0, cancelled: 0 });

    // Metadata pages, filtered and not.
    const metaIds: string[] = [];
    let token: string | undefined;
    do {
      const page = await slow.client.unary(BatchMgmt.method.listBatchRequestMetadata, {
        batchId: batch.batchId,
        limit: 50,
        ...(token ? { paginationToken: token } : {}),
      });
      metaIds.push(...page.batchRequestMetadata.map((m) => m.batchRequestId));
      token = page.paginationToken || undefined;
    } while (token);
    expect(metaIds).toEqual(ids);
    const pending = await slow.client.unary(BatchMgmt.method.listBatchRequestMetadata, {
      batchId: batch.batchId,
      status: [State.PENDING],
    });
    expect(pending.batchRequestMetadata).toEqual([]);
    expect(pending.paginationToken).toBeFalsy();
    // A token only works for the list that issued it.
    const metaPage = await slow.client.unary(BatchMgmt.method.listBatchRequestMetadata, {
      batchId: batch.batchId,
      limit: 1,
    });
    expect(metaPage.paginationToken).toBeTruthy();
    const wrongToken = await statusOf(
      slow.client.unary(BatchMgmt.method.listBatchResults, {
        batchId: batch.batchId,
        paginationToken: metaPage.paginationToken ?? "",
      }),
    );
    expect(wrongToken.code).toBe(Status.INVALID_ARGUMENT);
    const unknownState = await statusOf(
      slow.client.unary(BatchMgmt.method.listBatchRequestMetadata, {
        batchId: batch.batchId,
        status: [State.UNKNOWN],
      }),
    );
    expect(unknownState.code).toBe(Status.INVALID_ARGUMENT);
  });
});
