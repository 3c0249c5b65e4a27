import { describe, expect, it } from "vitest";
import { MAX_CHUNK_ATTEMPTS, retryDelayMs, sendChunks } from "../src/batch/chunk-sender.js";
import { XaiGrpcError } from "../src/grpc/grpc-error.js";
import { Status } from "../src/grpc/status.js";

const PATH = "/xai_api.BatchMgmt/AddBatchRequests";
const fail = (code: number, message = "injected") => new XaiGrpcError(code, message, PATH);

/**
 * A batch that behaves like the API: an AddBatchRequests call is refused whole with ALREADY_EXISTS
 * when any id is known, and otherwise stores every request. `script` decides per call whether to
 * fail before storing, or to store and then lose the answer.
 */
class FakeBatch {
  readonly ids: string[] = [];
  calls = 0;
  listings = 0;
  constructor(private readonly script: (call: number) => "ok" | "lose-answer" | XaiGrpcError = () => "ok") {}

  add = async (requests: string[]) => {
    this.calls += 1;
    const step = this.script(this.calls);
    if (step instanceof XaiGrpcError) throw step;
    const known = new Set(this.ids);
    const taken = requests.find((r) => known.has(r));
    if (taken) throw fail(Status.ALREADY_EXISTS, `batch_request_id "${taken}" already exists`);
    this.ids.push(...requests);
    if (step === "lose-answer") throw fail(Status.DEADLINE_EXCEEDED, "deadline exceeded");
  };

  listIds = async () => {
    this.listings += 1;
    return new Set(this.ids);
  };
}

const chunksOf = (n: number, size: number, prefix = "r") =>
  Array.from({ length: Math.ceil(n / size) }, (_, c) =>
    Array.from({ length: Math.min(size, n - c * size) }, (_, i) => `${prefix}-${c * size + i}`),
  );

function deps(batch: FakeBatch, signal = new AbortController().signal) {
  return {
    add: (r: string[]) => batch.add(r),
    listIds: () => batch.listIds(),
    idOf: (r: string) => r,
    signal,
    sleep: async () => {},
  };
}

describe("sending chunks", () => {
  it("sends each chunk once when nothing fails", async () => {
    const batch = new FakeBatch();
    const done: number[] = [];
    const report = await sendChunks(chunksOf(25, 10), { ...deps(batch), onChunk: (n) => void done.push(n) });
    expect(report).toMatchObject({ added: 25, alreadyPresent: 0, confirmedAfterRetry: 0, retries: 0 });
    expect(report.failure).toBeUndefined();
    expect(batch.calls).toBe(3);
    expect(done).toEqual([10, 20, 25]);
    expect(batch.listings).toBe(0);
  });

  it("retries a transient failure of a chunk, adding each request once", async () => {
    const batch = new FakeBatch((n) => (n === 2 ? fail(Status.UNAVAILABLE) : "ok"));
    const report = await sendChunks(chunksOf(30, 10), deps(batch));
    expect(report).toMatchObject({ added: 30, retries: 1 });
    expect(batch.ids).toHaveLength(30);
    expect(new Set(batch.ids).size).toBe(30);
  });

  it("confirms a chunk whose answer was lost instead of adding it twice", async () => {
    const batch = new FakeBatch((n) => (n === 2 ? "lose-answer" : "ok"));
    const report = await sendChunks(chunksOf(30, 10), deps(batch));
    expect(report).toMatchObject({ added: 20, confirmedAfterRetry: 10, alreadyPresent: 0 });
    expect(report.chunks[1]).toMatchObject({ added: 0, confirmedAfterRetry: 10, retries: 1 });
    expect(batch.ids).toHaveLength(30);
    expect(new Set(batch.ids).size).toBe(30);
    // Listed once; the third chunk was filtered against that listing and sent normally.
    expect(batch.listings).toBe(1);
  });

  it("sends only the missing part of a chunk that is partly in the batch already", async () => {
    const batch = new FakeBatch();
    batch.ids.push("r-3", "r-4", "r-12");
    const report = await sendChunks(chunksOf(20, 10), deps(batch));
    expect(report).toMatchObject({ added: 17, alreadyPresent: 3, confirmedAfterRetry: 0 });
    expect([...batch.ids].sort()).toEqual(chunksOf(20, 20)[0]?.sort());
    // Chunk 1: refused, listed, rest sent; chunk 2: filtered before sending.
    expect(batch.calls).toBe(3);
  });

  it("skips a chunk entirely when all of it is present", async () => {
    const batch = new FakeBatch();
    batch.ids.push(...(chunksOf(20, 20)[0] ?? []));
    const report = await sendChunks(chunksOf(20, 10), deps(batch));
    expect(report).toMatchObject({ added: 0, alreadyPresent: 20 });
    expect(batch.calls).toBe(1);
  });

  it("stops on a status that must not be retried, reporting where", async () => {
    const batch = new FakeBatch((n) => (n === 3 ? fail(Status.RESOURCE_EXHAUSTED, "slow down") : "ok"));
    const report = await sendChunks(chunksOf(50, 10), deps(batch));
    expect(report.added).toBe(20);
    expect(report.failure).toMatchObject({ index: 2, uncertain: false });
    expect(report.failure?.error).toMatchObject({ status: "RESOURCE_EXHAUSTED" });
    expect(batch.calls).toBe(3);
  });

  it("gives up on a chunk after its attempts, saying its fate is unknown", async () => {
    const batch = new FakeBatch(() => fail(Status.UNAVAILABLE));
    const report = await sendChunks(chunksOf(10, 10), deps(batch));
    expect(batch.calls).toBe(MAX_CHUNK_ATTEMPTS);
    expect(report.failure).toMatchObject({ index: 0, uncertain: true });
    expect(report.chunks).toEqual([]);
  });

  it("fails when ALREADY_EXISTS names an id the listing does not show", async () => {
    const batch = new FakeBatch(() => fail(Status.ALREADY_EXISTS, "someone else's id"));
    const report = await sendChunks(chunksOf(10, 10), deps(batch));
    expect(report.failure).toMatchObject({ index: 0, uncertain: false });
    expect(batch.listings).toBe(1);
  });

  it("stops between chunks when cancelled", async () => {
    const controller = new AbortController();
    const batch = new FakeBatch((n) => {
      if (n === 1) controller.abort();
      return "ok";
    });
    const report = await sendChunks(chunksOf(30, 10), deps(batch, controller.signal));
    expect(report.chunks).toHaveLength(1);
    expect(report.failure?.index).toBe(1);
    expect(batch.ids).toHaveLength(10);
  });

  it("backs off from 0.2 s, doubling, up to 3 s", () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => retryDelayMs(n))).toEqual([200, 400, 800, 1600, 3000, 3000]);
  });

  it("scales the whole backoff with its first wait (XAI_MCP_RETRY_BACKOFF_MS)", () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => retryDelayMs(n, 5))).toEqual([5, 10, 20, 40, 75, 75]);
  });

  it("waits the given backoff between attempts", async () => {
    const batch = new FakeBatch((call) => (call <= 3 ? fail(Status.UNAVAILABLE) : "ok"));
    const waits: number[] = [];
    const report = await sendChunks(chunksOf(10, 10), {
      ...deps(batch),
      backoffMs: 7,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    expect(report.retries).toBe(3);
    expect(waits).toEqual([7, 14, 28]);
  });
});
