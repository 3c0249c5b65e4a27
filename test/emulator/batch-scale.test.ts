import { describe, expect, it } from "vitest";
import { BatchMgmt } from "../../gen/xai/api/v1/batch_pb.js";
import { useEmulator } from "../support/emulator-fixture.js";
import { allResults, chatRequest, counts, waitForBatch } from "./batch-helpers.js";

const fx = useEmulator({ batchPaceMs: 0 });

describe("a 10,000-request batch", () => {
  it("is added in chunks, processed, and read back exactly once while it runs", async () => {
    const total = 10_000;
    const chunk = 500;
    const every = Array.from({ length: total }, (_, i) => {
      const id = `req-${String(i).padStart(5, "0")}`;
      // Every 1000th request names a model that does not exist: an error result, not a lost one.
      return chatRequest(
        id,
        `Question number ${i}: what is ${i} plus ${i}?`,
        i % 1000 === 999 ? "grok-0" : "grok-4",
      );
    });
    const batch = await fx.client.unary(BatchMgmt.method.createBatch, { name: "ten thousand" });

    const started = Date.now();
    for (let i = 0; i < total; i += chunk) {
      await fx.client.unary(BatchMgmt.method.addBatchRequests, {
        batchId: batch.batchId,
        batchRequests: every.slice(i, i + chunk),
      });
    }
    const addedMs = Date.now() - started;
    // Reading starts while the worker is still busy and follows its tail to the end.
    const reading = allResults(fx.client, batch.batchId, 1000);

    const done = await waitForBatch(fx.client, batch.batchId, undefined, 18_000);
    const processedMs = Date.now() - started;
    expect(counts(done)).toEqual({
      requests: total,
      pending: 0,
      success: total - 10,
      error: 10,
      cancelled: 0,
    });

    const { results } = await reading;
    const ids = results.map((r) => r.batchRequestId);
    expect(ids).toEqual(every.map((r) => r.batchRequestId));
    expect(results.filter((r) => r.result.case === "error").map((r) => r.batchRequestId)).toEqual(
      Array.from({ length: 10 }, (_, k) => `req-${String(k * 1000 + 999).padStart(5, "0")}`),
    );

    // Once done, paging all 10,000 with limit 1000 takes exactly 10 pages and little time.
    const readStart = Date.now();
    const again = await allResults(fx.client, batch.batchId, 1000);
    const readMs = Date.now() - readStart;
    expect(again.pages).toBe(10);
    expect(again.results.map((r) => r.batchRequestId)).toEqual(ids);
    expect(readMs).toBeLessThan(3000);
    expect(addedMs).toBeLessThan(6000);
    expect(processedMs).toBeLessThan(18_000);
  }, 30_000);
});
