import { toBinary } from "@bufbuild/protobuf";
import {
  AddBatchRequestsRequestSchema,
  BatchMgmt,
  BatchRequestMetadata_State as State,
} from "../../gen/xai/api/v1/batch_pb.js";
import { apiKeyId } from "../batch/api-key-id.js";
import { type PreparedRequest, prepareRequests } from "../batch/batch-request.js";
import { type BatchItem, type BatchRecord, BatchStore } from "../batch/batch-store.js";
import { batchMessage, requestMetadata } from "../batch/batch-view.js";
import { BatchWorker } from "../batch/batch-worker.js";
import { parseInputFile } from "../batch/input-file.js";
import { decodeToken, encodeToken, MAX_PAGE_BYTES, pageLimit } from "../batch/paging.js";
import type { EmulatorContext } from "../context.js";
import {
  EmulatorError,
  failedPrecondition,
  invalidArgument,
  notFound,
  resourceExhausted,
  Status,
} from "../errors.js";
import { ByteBudget, checkChars, TEXT_LIMITS } from "../limits.js";
import { bind, type ServiceBinding } from "../service-impl.js";

/** How long a batch lives after creation. */
export const BATCH_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Largest AddBatchRequests message, in serialized bytes: the 20 MiB gRPC message limit of the real
 * API. There is no separate cap on the number of requests; clients split big inputs into chunks
 * under this size. Past it the call fails with `RESOURCE_EXHAUSTED`, as gRPC does for an oversized
 * message.
 */
export const MAX_ADD_BYTES = 20 * 1024 * 1024;

const STATE_NAMES: Record<number, string> = {
  [State.PENDING]: "STATE_PENDING",
  [State.SUCCEEDED]: "STATE_SUCCEEDED",
  [State.CANCELLED]: "STATE_CANCELLED",
  [State.FAILED]: "STATE_FAILED",
};

/**
 * BatchMgmt: batches of chat, image and video requests run in the background by a {@link BatchWorker}
 * at `config.batchPaceMs` per request.
 *
 * Choices where the API leaves room (documented for clients):
 * - `BatchRequestMetadata.endpoint` and `EndpointCost.endpoint` are REST paths such as
 *   `/v1/chat/completions` (see `ENDPOINTS`).
 * - Batch requests are billed at half price; each result's `usage.cost_in_usd_ticks` already shows
 *   the batch price, and `EndpointCost.request_count` counts the billed (successful) requests.
 * - ListBatchResults lists finished requests (succeeded or failed) in the order they finished;
 *   cancelled ones have no result. While requests are still pending, every page carries a token,
 *   even a short or empty one: calling again later with it returns the results finished since,
 *   never one twice. The token is absent only once nothing is pending.
 * - GetBatchRequestResult of a pending or cancelled request returns the request with a result that
 *   holds only its `batch_request_id`.
 */
export function batchService(ctx: EmulatorContext): ServiceBinding {
  // Batches cannot be deleted, and dropping one would lose the user's requests and results: once
  // the budget is spent, new batches and requests are refused.
  const budget = new ByteBudget(
    "batches (names, requests and results)",
    ctx.config.storeBytes.batches,
    "the emulator keeps every batch of its run; restart it to start afresh",
  );
  const store = new BatchStore(budget);
  const worker = new BatchWorker(ctx);
  const newRequestId = () => ctx.newId("batch_req");

  const requireBatch = (id: string): BatchRecord => {
    if (id === "") throw invalidArgument("batch_id is required");
    return store.require(id);
  };

  const requireItem = (batch: BatchRecord, id: string): BatchItem => {
    if (id === "") throw invalidArgument("batch_request_id is required");
    const item = batch.byId.get(id);
    if (!item) throw notFound(`batch request ${id} does not exist in batch ${batch.id}`);
    return item;
  };

  const readInputFile = (fileId: string): PreparedRequest[] => {
    const file = ctx.files.require(fileId);
    const lines = parseInputFile(file.id, file.bytes);
    return prepareRequests(
      lines.map((l) => l.request),
      {
        where: (i) => `input file ${file.id} line ${lines[i]?.line}`,
        exists: () => false,
        duplicate: invalidArgument,
        newId: newRequestId,
      },
    );
  };

  return bind(BatchMgmt, {
    createBatch(req, call) {
      if (req.name.trim() === "") throw invalidArgument("name is required: give the batch a name");
      checkChars("name", req.name, TEXT_LIMITS.batchName);
      // Read the whole file before creating anything: a bad line leaves no half-made batch behind.
      const prepared = req.inputFileId === "" ? [] : readInputFile(req.inputFileId);
      const inputBytes = req.inputFileId === "" ? 0 : (ctx.files.get(req.inputFileId)?.bytes.byteLength ?? 0);
      budget.reserve(req.name.length + 256 + 2 * inputBytes);
      const now = ctx.now();
      const batch = store.create({
        id: ctx.newId("batch"),
        name: req.name,
        createTime: now,
        expireTime: new Date(now.getTime() + BATCH_TTL_MS),
        apiKeyId: apiKeyId(call.apiKey),
        inputFileId: req.inputFileId === "" ? undefined : req.inputFileId,
      });
      if (prepared.length > 0) {
        batch.add(prepared, now);
        worker.wake(batch);
      }
      return batchMessage(batch, now);
    },

    getBatch(req) {
      return batchMessage(requireBatch(req.batchId), ctx.now());
    },

    listBatches(req) {
      const limit = pageLimit(req.limit);
      const { batches, next } = store.page(limit, decodeToken(req.paginationToken, "batches"));
      const now = ctx.now();
      return {
        batches: batches.map((b) => batchMessage(b, now)),
        paginationToken: next === undefined ? undefined : encodeToken("batches", next),
      };
    },

    cancelBatch(req) {
      const batch = requireBatch(req.batchId);
      const now = ctx.now();
      batch.cancel(now);
      return batchMessage(batch, now);
    },

    addBatchRequests(req) {
      const batch = requireBatch(req.batchId);
      if (batch.cancelTime) {
        throw failedPrecondition(
          `batch ${batch.id} is cancelled: no requests can be added; create a new batch`,
        );
      }
      const now = ctx.now();
      if (now >= batch.init.expireTime) {
        throw failedPrecondition(
          `batch ${batch.id} has expired: no requests can be added; create a new batch`,
        );
      }
      if (req.batchRequests.length === 0) {
        throw invalidArgument("batch_requests is empty: add at least one request");
      }
      const size = toBinary(AddBatchRequestsRequestSchema, req).byteLength;
      if (size > MAX_ADD_BYTES) {
        throw resourceExhausted(
          `AddBatchRequests message is ${size} bytes, more than the ${MAX_ADD_BYTES}-byte limit: ` +
            "send the requests in smaller chunks",
        );
      }
      const prepared = prepareRequests(req.batchRequests, {
        where: (i) => `batch_requests[${i}]`,
        exists: (id) => batch.byId.has(id),
        duplicate: (message) => new EmulatorError(Status.ALREADY_EXISTS, message),
        newId: newRequestId,
      });
      // Decoded requests take about twice their wire size.
      budget.reserve(2 * size);
      batch.add(prepared, now);
      worker.wake(batch);
      return {};
    },

    listBatchRequestMetadata(req) {
      const batch = requireBatch(req.batchId);
      const limit = pageLimit(req.limit);
      req.status.forEach((s, i) => {
        if (!(s in STATE_NAMES)) {
          throw invalidArgument(
            `status[${i}]: ${s} is not a request state; use ${Object.values(STATE_NAMES).join(", ")}`,
          );
        }
      });
      const wanted = new Set<State>(req.status);
      const matches = (item: BatchItem) => wanted.size === 0 || wanted.has(item.state);
      const scope = `metadata:${batch.id}`;
      const { items } = batch;
      let i = decodeToken(req.paginationToken, scope) ?? 0;
      const page: BatchItem[] = [];
      for (; i < items.length && page.length < limit; i++) {
        const item = items[i] as BatchItem;
        if (matches(item)) page.push(item);
      }
      // Skip to the next match so the last page carries no token that would only lead to an empty page.
      while (i < items.length && !matches(items[i] as BatchItem)) i++;
      return {
        batchRequestMetadata: page.map(requestMetadata),
        paginationToken: i < items.length ? encodeToken(scope, i) : undefined,
      };
    },

    listBatchResults(req) {
      const batch = requireBatch(req.batchId);
      const limit = pageLimit(req.limit);
      const scope = `results:${batch.id}`;
      const { finished } = batch;
      let i = Math.min(decodeToken(req.paginationToken, scope) ?? 0, finished.length);
      const page: BatchItem[] = [];
      let bytes = 0;
      for (; i < finished.length && page.length < limit; i++) {
        const item = finished[i] as BatchItem;
        if (page.length > 0 && bytes + item.resultBytes > MAX_PAGE_BYTES) break;
        bytes += item.resultBytes;
        page.push(item);
      }
      const more = i < finished.length || batch.counts.pending > 0;
      return {
        results: page.map((item) => item.result ?? { batchRequestId: item.id }),
        paginationToken: more ? encodeToken(scope, i) : undefined,
      };
    },

    getBatchRequestResult(req) {
      const batch = requireBatch(req.batchId);
      const item = requireItem(batch, req.batchRequestId);
      return { request: item.request, result: item.result ?? { batchRequestId: item.id } };
    },
  });
}
