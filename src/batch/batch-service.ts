import {
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

/** The BatchMgmt service and the messages of its files. */
export const BATCH_SCHEMAS: BatchSchemas = {
  service: BatchMgmt,
  request: BatchRequestSchema,
  result: BatchResultSchema,
  metadata: BatchRequestMetadataSchema,
};
