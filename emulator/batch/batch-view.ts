import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { BatchRequestMetadataSchema, BatchSchema } from "../../gen/xai/api/v1/batch_pb.js";
import type { BatchItem, BatchRecord } from "./batch-store.js";
import { costBreakdown } from "./cost.js";

/** A batch as the API returns it: metadata, exact state counts and the cost so far. */
export function batchMessage(batch: BatchRecord, now: Date): MessageInitShape<typeof BatchSchema> {
  const { init, counts } = batch;
  return {
    batchId: init.id,
    name: init.name,
    createTime: timestampFromDate(init.createTime),
    expireTime: timestampFromDate(init.expireTime),
    createApiKeyId: init.apiKeyId,
    cancelTime: batch.cancelTime && timestampFromDate(batch.cancelTime),
    inputFileId: init.inputFileId,
    state: {
      numRequests: BigInt(batch.items.length),
      numPending: BigInt(counts.pending),
      numSuccess: BigInt(counts.success),
      numError: BigInt(counts.error),
      numCancelled: BigInt(counts.cancelled),
    },
    costBreakdown: costBreakdown(batch, now),
  };
}

/** A request's summary, without payloads. */
export function requestMetadata(item: BatchItem): MessageInitShape<typeof BatchRequestMetadataSchema> {
  return {
    batchRequestId: item.id,
    endpoint: item.endpoint,
    model: item.model,
    state: item.state,
    createTime: timestampFromDate(item.createTime),
    finishTime: item.finishTime && timestampFromDate(item.finishTime),
  };
}
