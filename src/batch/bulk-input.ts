import { create, toBinary } from "@bufbuild/protobuf";
import type { z } from "zod";
import type { BatchRequest } from "../../gen/xai/api/v1/batch_pb.js";
import type { BatchSchemas } from "./batch-service.js";
import {
  type Chunk,
  type ChunkLimits,
  elementSize,
  MAX_CHUNK_BYTES,
  MAX_CHUNK_REQUESTS,
  planChunks,
} from "./chunking.js";
import { parseJsonlLines } from "./jsonl-input.js";
import { assignRequestIds } from "./request-ids.js";

/** The members of `BatchRequest.request`, as an error names them. */
const KINDS = "completion_request, image_request, video_request or video_extension_request";

/** A JSONL input ready to send: every line valid, every request with its id, cut into chunks. */
export interface ReadyInput {
  readonly ok: true;
  /** The requests in file order, each with its `batch_request_id`. */
  readonly requests: BatchRequest[];
  /** The file line of each request. */
  readonly lineOf: number[];
  readonly chunks: Chunk[];
  /** How many requests had no id and were given a stable one. */
  readonly generatedIds: number;
}

/** A refused JSONL input: nothing may be sent. */
export interface RefusedInput {
  readonly ok: false;
  /** `line N: …`, every problem found, in file order. */
  readonly problems: string[];
  /** The bad lines' numbers, in file order (a line is listed once). */
  readonly badLines: number[];
  /** Requests read (good and bad). */
  readonly linesRead: number;
}

/**
 * Reads a whole JSONL input of `BatchRequest`s and decides whether it can be sent: each line is
 * checked like the tool's own arguments, must set one request kind, and must fit in one message;
 * ids are assigned and checked unique. Only when every line passes are the chunks planned.
 */
export async function prepareBulkInput(
  lines: AsyncIterable<{ line: number; text: string }>,
  batchId: string,
  schemas: BatchSchemas,
  validator: z.ZodType,
  limits: ChunkLimits = { maxBytes: MAX_CHUNK_BYTES, maxCount: MAX_CHUNK_REQUESTS },
): Promise<ReadyInput | RefusedInput> {
  const parsed = await parseJsonlLines(lines, schemas.request, validator, (r) =>
    r.request.case === undefined ? `set one of ${KINDS}` : undefined,
  );
  const linesRead = parsed.lines.length + parsed.badLines.length;
  if (parsed.problems.length > 0) {
    return { ok: false, problems: parsed.problems, badLines: unique(parsed.badLines), linesRead };
  }
  if (parsed.lines.length === 0) {
    return {
      ok: false,
      problems: ["the file holds no requests (only blank lines)"],
      badLines: [],
      linesRead,
    };
  }
  const generatedIds = parsed.lines.filter((l) => !l.request.batchRequestId).length;
  const idProblems = assignRequestIds(batchId, parsed.lines);
  // The envelope of every chunk: the batch_id field.
  const envelope = elementSize(Buffer.byteLength(batchId));
  const sizeProblems: string[] = [];
  const sizes = parsed.lines.map(({ line, request }) => {
    const size = toBinary(schemas.request, request).byteLength;
    if (envelope + elementSize(size) > limits.maxBytes) {
      sizeProblems.push(
        `line ${line}: the request is ${size} bytes encoded; one request must fit in a ${limits.maxBytes}-byte message (pass large images by URL or file id)`,
      );
    }
    return size;
  });
  const problems = [...idProblems, ...sizeProblems].sort((a, b) => lineNumber(a) - lineNumber(b));
  if (problems.length > 0) {
    return { ok: false, problems, badLines: unique(problems.map(lineNumber)), linesRead };
  }
  return {
    ok: true,
    requests: parsed.lines.map((l) => l.request),
    lineOf: parsed.lines.map((l) => l.line),
    chunks: planChunks(sizes, envelope, limits),
    generatedIds,
  };
}

const lineNumber = (problem: string) => Number(/^line (\d+)/.exec(problem)?.[1] ?? 0);

function unique(numbers: readonly number[]): number[] {
  return [...new Set(numbers)];
}

/** An AddBatchRequests message for one chunk; its encoded size is what the chunk plan measured. */
export function chunkMessage(schemas: BatchSchemas, batchId: string, requests: BatchRequest[]) {
  return create(schemas.service.method.addBatchRequests.input, { batchId, batchRequests: requests });
}
