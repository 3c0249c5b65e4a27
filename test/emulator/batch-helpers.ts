import type { MessageInitShape } from "@bufbuild/protobuf";
import type { RunningEmulator } from "../../emulator/index.js";
import {
  type Batch,
  BatchMgmt,
  type BatchRequestSchema,
  type BatchResult,
} from "../../gen/xai/api/v1/batch_pb.js";
import { MessageRole } from "../../gen/xai/api/v1/chat_pb.js";
import type { XaiClient } from "../../src/grpc/xai-client.js";
import { emulatorClient } from "../support/emulator-fixture.js";

/** Shared by the batch tests: requests, a client, and loops over pages and progress. */

export type BatchRequestInit = MessageInitShape<typeof BatchRequestSchema>;

/** A client of `emu` with the right keys. */
export const clientOf: (emu: RunningEmulator) => XaiClient = emulatorClient;

/** A chat request for the batch; `id` undefined lets the server choose the id. */
export function chatRequest(id: string | undefined, text: string, model = "grok-4"): BatchRequestInit {
  return {
    ...(id === undefined ? {} : { batchRequestId: id }),
    request: {
      case: "completionRequest",
      value: {
        model,
        messages: [{ role: MessageRole.ROLE_USER, content: [{ content: { case: "text", value: text } }] }],
      },
    },
  };
}

/** The status code and message of a call that must fail. */
export async function statusOf(p: Promise<unknown>): Promise<{ code: number; details: string }> {
  try {
    await p;
  } catch (e) {
    const { code, details } = e as { code: number; details: string };
    return { code, details };
  }
  throw new Error("expected the call to fail");
}

/** Polls GetBatch until `done` holds (or fails after `timeoutMs`). */
export async function waitForBatch(
  client: XaiClient,
  batchId: string,
  done: (b: Batch) => boolean = (b) => b.state?.numPending === 0n,
  timeoutMs = 15_000,
): Promise<Batch> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const batch = await client.unary(BatchMgmt.method.getBatch, { batchId });
    if (done(batch)) return batch;
    if (Date.now() > deadline) throw new Error(`batch ${batchId} not done: ${JSON.stringify(counts(batch))}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The state counts of a batch as plain numbers. */
export function counts(batch: Batch) {
  const s = batch.state;
  return {
    requests: Number(s?.numRequests ?? -1),
    pending: Number(s?.numPending ?? -1),
    success: Number(s?.numSuccess ?? -1),
    error: Number(s?.numError ?? -1),
    cancelled: Number(s?.numCancelled ?? -1),
  };
}

/**
 * Follows ListBatchResults until the token is absent, waiting a little after a short page (results
 * still to come), and returns every result in the order received and the number of pages.
 */
export async function allResults(
  client: XaiClient,
  batchId: string,
  limit: number,
): Promise<{ results: BatchResult[]; pages: number }> {
  const results: BatchResult[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await client.unary(BatchMgmt.method.listBatchResults, {
      batchId,
      limit,
      ...(token ? { paginationToken: token } : {}),
    });
    pages += 1;
    results.push(...page.results);
    token = page.paginationToken || undefined;
    if (token && page.results.length < limit) await new Promise((r) => setTimeout(r, 5));
  } while (token);
  return { results, pages };
}
