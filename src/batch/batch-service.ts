import type { DescMessage, DescMethod } from "@bufbuild/protobuf";
import type {
  BatchMgmt,
  BatchRequestMetadataSchema,
  BatchRequestSchema,
  BatchResultSchema,
} from "../../gen/xai/api/v1/batch_pb.js";

/** The BatchMgmt service descriptor, typed by its generated shape. */
export type BatchService = typeof BatchMgmt;

/** The message descriptors the batch tools work with besides the RPCs' own inputs and outputs. */
export interface BatchSchemas {
  readonly service: BatchService;
  /** One request of a batch: what each JSONL input line holds. */
  readonly request: typeof BatchRequestSchema;
  /** One result: what each line of a results file holds. */
  readonly result: typeof BatchResultSchema;
  /** One request's state: what each line of a metadata file holds. */
  readonly metadata: typeof BatchRequestMetadataSchema;
}

function fieldMessage(message: DescMessage, localName: string): DescMessage {
  const field = message.field[localName];
  if (field?.message === undefined) throw new Error(`${message.typeName} has no message field ${localName}`);
  return field.message;
}

/**
 * The BatchMgmt service and its message types, reached from any of its methods' descriptors, so
 * that the handlers get the descriptors the registry built their tool from (only the registry
 * loads the generated code at run time).
 */
export function batchSchemas(method: DescMethod): BatchSchemas {
  const service = method.parent as unknown as BatchService;
  const m = service.method;
  return {
    service,
    request: fieldMessage(m.addBatchRequests.input, "batchRequests") as typeof BatchRequestSchema,
    result: fieldMessage(m.listBatchResults.output, "results") as typeof BatchResultSchema,
    metadata: fieldMessage(
      m.listBatchRequestMetadata.output,
      "batchRequestMetadata",
    ) as typeof BatchRequestMetadataSchema,
  };
}
