/**
 * Every store of the emulator is bounded by bytes, over real gRPC: oversized text fields are refused
 * with INVALID_ARGUMENT naming the field and the cap; stores of what the user made (files, documents,
 * batches) refuse a record that does not fit with RESOURCE_EXHAUSTED, and take new ones again once
 * room is made; stores the API lets expire (stored and deferred completions, video requests) drop
 * their oldest records, which then read as NOT_FOUND.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator/index.js";
import { DEFAULT_STORE_BUDGETS, type StoreBudgets, TEXT_LIMITS } from "../../emulator/limits.js";
import { BatchMgmt } from "../../gen/xai/api/v1/batch_pb.js";
import { Chat, MessageRole } from "../../gen/xai/api/v1/chat_pb.js";
import { Collections } from "../../gen/xai/api/v1/collections_pb.js";
import { Files } from "../../gen/xai/api/v1/files_pb.js";
import { Video } from "../../gen/xai/api/v1/video_pb.js";
import { Status } from "../../src/grpc/status.js";
import { XaiClient } from "../../src/grpc/xai-client.js";
import { chatRequest, statusOf } from "./batch-helpers.js";
import { msg } from "./chat-support.js";

/** Small budgets, so that a few records fill each store. */
const BUDGETS: StoreBudgets = {
  ...DEFAULT_STORE_BUDGETS,
  files: 40_000,
  documents: 50_000,
  batches: 60_000,
  storedCompletions: 30_000,
  deferredCompletions: 6_000,
  videoJobs: 3_000,
};

let emu: RunningEmulator;
let client: XaiClient;

beforeAll(async () => {
  emu = await startEmulator({ storeBytes: BUDGETS });
  client = new XaiClient({
    api: { host: emu.url, key: emu.context.config.apiKey },
    management: { host: emu.url, key: emu.context.config.managementKey },
    timeoutMs: 10_000,
  });
});
afterAll(async () => {
  client.close();
  await emu.close();
});

const upload = (name: string, size: number) =>
  client.clientStream(Files.method.uploadFile, [
    { chunk: { case: "init", value: { name } } },
    { chunk: { case: "data", value: new Uint8Array(size).fill(65) } },
  ]);

const ask = (text: string, extra: Record<string, unknown> = {}) => ({
  model: "grok-4-fast",
  messages: [msg(MessageRole.ROLE_USER, text)],
  ...extra,
});

describe("files", () => {
  it("refuses an upload that does not fit with RESOURCE_EXHAUSTED, and takes it once a file is deleted", async () => {
    const first = await upload("first.txt", 25_000);
    const refused = await statusOf(upload("second.txt", 25_000));
    expect(refused.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(refused.details).toContain("uploaded files");
    expect(refused.details).toContain(String(BUDGETS.files));
    // The first file is untouched: refusal, not eviction.
    expect((await client.unary(Files.method.retrieveFile, { fileId: first.id })).id).toBe(first.id);
    await client.unary(Files.method.deleteFile, { fileId: first.id });
    const again = await upload("second.txt", 25_000);
    await client.unary(Files.method.deleteFile, { fileId: again.id });
  });

  it("refuses a listing filter over the cap, naming the field", async () => {
    const bad = await statusOf(
      client.unary(Files.method.listFiles, { filter: "f".repeat(TEXT_LIMITS.filter + 1) }),
    );
    expect(bad.code).toBe(Status.INVALID_ARGUMENT);
    expect(bad.details).toContain(
      `filter is ${TEXT_LIMITS.filter + 1} characters long; at most ${TEXT_LIMITS.filter}`,
    );
  });
});

describe("collections and documents", () => {
  it("refuses a description and metadata over their caps, naming the field and the cap", async () => {
    const desc = await statusOf(
      client.unary(Collections.method.createCollection, {
        collectionName: "described",
        collectionDescription: "d".repeat(TEXT_LIMITS.description + 1),
      }),
    );
    expect(desc.code).toBe(Status.INVALID_ARGUMENT);
    expect(desc.details).toContain(
      `collection_description is ${TEXT_LIMITS.description + 1} characters long`,
    );
    const { collectionId } = await client.unary(Collections.method.createCollection, {
      collectionName: "capped",
    });
    const file = await upload("meta.txt", 100);
    const fields = await statusOf(
      client.unary(Collections.method.addDocumentToCollection, {
        collectionId,
        fileId: file.id,
        fields: { author: "a".repeat(TEXT_LIMITS.fieldValue + 1) },
      }),
    );
    expect(fields.code).toBe(Status.INVALID_ARGUMENT);
    expect(fields.details).toContain(`fields["author"] is ${TEXT_LIMITS.fieldValue + 1} characters long`);
    const filter = await statusOf(
      client.unary(Collections.method.listCollections, { filter: "x".repeat(TEXT_LIMITS.filter + 1) }),
    );
    expect(filter.code).toBe(Status.INVALID_ARGUMENT);
    expect(filter.details).toContain("filter is");
    await client.unary(Collections.method.deleteCollection, { collectionId });
    await client.unary(Files.method.deleteFile, { fileId: file.id });
  });

  it("refuses a document that does not fit with RESOURCE_EXHAUSTED, and takes it once one is removed", async () => {
    const { collectionId } = await client.unary(Collections.method.createCollection, {
      collectionName: "full",
    });
    const a = await upload("a.txt", 15_000);
    const b = await upload("b.txt", 15_000);
    await client.unary(Collections.method.addDocumentToCollection, { collectionId, fileId: a.id });
    const refused = await statusOf(
      client.unary(Collections.method.addDocumentToCollection, { collectionId, fileId: b.id }),
    );
    expect(refused.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(refused.details).toContain("collections and documents");
    await client.unary(Collections.method.removeDocumentFromCollection, { collectionId, fileId: a.id });
    await client.unary(Collections.method.addDocumentToCollection, { collectionId, fileId: b.id });
    await client.unary(Collections.method.deleteCollection, { collectionId });
    for (const f of [a, b]) await client.unary(Files.method.deleteFile, { fileId: f.id });
  });
});

describe("batches", () => {
  it("refuses a name over the cap, naming the field and the cap", async () => {
    const bad = await statusOf(
      client.unary(BatchMgmt.method.createBatch, { name: "n".repeat(TEXT_LIMITS.batchName + 1) }),
    );
    expect(bad.code).toBe(Status.INVALID_ARGUMENT);
    expect(bad.details).toContain(
      `name is ${TEXT_LIMITS.batchName + 1} characters long; at most ${TEXT_LIMITS.batchName}`,
    );
  });

  it("refuses requests that do not fit with RESOURCE_EXHAUSTED, keeping those already added", async () => {
    const batch = await client.unary(BatchMgmt.method.createBatch, { name: "budgeted" });
    const big = "y".repeat(12_000);
    await client.unary(BatchMgmt.method.addBatchRequests, {
      batchId: batch.batchId,
      batchRequests: [chatRequest("one", big)],
    });
    let refused: { code: number; details: string } | undefined;
    for (let i = 0; i < 5 && !refused; i++) {
      refused = await client
        .unary(BatchMgmt.method.addBatchRequests, {
          batchId: batch.batchId,
          batchRequests: [chatRequest(`more-${i}`, big)],
        })
        .then(
          () => undefined,
          (e: unknown) => e as { code: number; details: string },
        );
    }
    expect(refused?.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(refused?.details).toContain("batches");
    const meta = await client.unary(BatchMgmt.method.getBatchRequestResult, {
      batchId: batch.batchId,
      batchRequestId: "one",
    });
    expect(meta.request?.batchRequestId).toBe("one");
  });
});

describe("stores the API lets expire", () => {
  it("drops the oldest stored completions first: they read as NOT_FOUND, the newest stay", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await client.unary(
        Chat.method.getCompletion,
        ask(`keep ${i} ${"z".repeat(4000)}`, { storeMessages: true }),
      );
      ids.push(r.id);
    }
    const oldest = await statusOf(
      client.unary(Chat.method.getStoredCompletion, { responseId: ids[0] as string }),
    );
    expect(oldest.code).toBe(Status.NOT_FOUND);
    expect(oldest.details).toContain("dropped to make room");
    const newest = await client.unary(Chat.method.getStoredCompletion, { responseId: ids.at(-1) as string });
    expect(newest.outputs.length).toBeGreaterThan(0);
  });

  it("drops the oldest deferred completions first", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await client.unary(
        Chat.method.startDeferredCompletion,
        ask(`later ${i} ${"z".repeat(4000)}`),
      );
      ids.push(r.requestId);
    }
    const oldest = await statusOf(
      client.unary(Chat.method.getDeferredCompletion, { requestId: ids[0] as string }),
    );
    expect(oldest.code).toBe(Status.NOT_FOUND);
    await client.unary(Chat.method.getDeferredCompletion, { requestId: ids.at(-1) as string });
  });

  it("drops the oldest video requests first", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await client.unary(Video.method.generateVideo, {
        model: "grok-imagine-video",
        prompt: `a scene ${i} ${"w".repeat(800)}`,
      });
      ids.push(r.requestId);
    }
    const oldest = await statusOf(
      client.unary(Video.method.getDeferredVideo, { requestId: ids[0] as string }),
    );
    expect(oldest.code).toBe(Status.NOT_FOUND);
    await client.unary(Video.method.getDeferredVideo, { requestId: ids.at(-1) as string });
  });
});
