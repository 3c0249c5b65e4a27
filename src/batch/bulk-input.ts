import { create, toBinary } from "@bufbuild/protobuf";
import type { z } from "zod";
import type { BatchRequest } from "../../gen/xai/api/v1/batch_pb.js";
import type { AllowedRoots } from "../files/allowed-roots.js";
import { PathAccessError } from "../files/path-validation.js";
import { applyImageDefaults } from "../media/image-defaults.js";
import { inlineLocalImages } from "../media/image-inputs.js";
import type { BatchSchemas } from "./batch-service.js";
import {
  type Chunk,
  type ChunkLimits,
  elementSize,
  MAX_CHUNK_BYTES,
  MAX_CHUNK_REQUESTS,
  planChunks,
} from "./chunking.js";
import { parseJsonlLines, StopReading } from "./jsonl-input.js";
import { assignRequestIds } from "./request-ids.js";

/**
 * Most encoded bytes one call reads from a file: the requests are all held in memory (to check every
 * line before sending any), so this bounds the memory a call takes.
 */
export const MAX_INPUT_BYTES = 1024 * 1024 * 1024;

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
  o: { roots?: AllowedRoots | undefined; limits?: ChunkLimits; maxTotalBytes?: number } = {},
): Promise<ReadyInput | RefusedInput> {
  const limits = o.limits ?? { maxBytes: MAX_CHUNK_BYTES, maxCount: MAX_CHUNK_REQUESTS };
  const maxTotal = o.maxTotalBytes ?? MAX_INPUT_BYTES;
  const sizes: number[] = [];
  let totalBytes = 0;
  const parsed = await parseJsonlLines(lines, schemas.request, validator, async (r) => {
    if (r.request.case === undefined) return `set one of ${KINDS}`;
    applyBatchDefaults(r);
    try {
      // Local image paths become data URLs here, as they do in the tools' own arguments.
      await inlineLocalImages(schemas.request, r, o.roots);
    } catch (e) {
      if (e instanceof PathAccessError) return e.message;
      throw e;
    }
    const size = toBinary(schemas.request, r).byteLength;
    totalBytes += size;
    if (totalBytes > maxTotal) {
      throw new StopReading(
        `the requests up to here come to more than ${maxTotal} bytes encoded, more than one call reads into memory; split the file and add the parts one after the other`,
      );
    }
    sizes.push(size);
    return undefined;
  });
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
  const idBefore = parsed.lines.map((l) =>
    l.request.batchRequestId === undefined ? 0 : elementSize(Buffer.byteLength(l.request.batchRequestId)),
  );
  const idProblems = assignRequestIds(batchId, parsed.lines);
  // The envelope of every chunk: the batch_id field.
  const envelope = elementSize(Buffer.byteLength(batchId));
  const sizeProblems: string[] = [];
  parsed.lines.forEach(({ line, request }, i) => {
    // Ids were added since the size was measured.
    const size =
      (sizes[i] ?? 0) + elementSize(Buffer.byteLength(request.batchRequestId ?? "")) - (idBefore[i] ?? 0);
    sizes[i] = size;
    if (envelope + elementSize(size) > limits.maxBytes) {
      sizeProblems.push(
        `line ${line}: the request is ${size} bytes encoded; one request must fit in a ${limits.maxBytes}-byte message (pass large images by URL or file id)`,
      );
    }
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

/** The defaults the direct tools apply, applied to a batch item (an image's `format`). */
export function applyBatchDefaults(r: BatchRequest): void {
  if (r.request.case === "imageRequest") applyImageDefaults(r.request.value);
}

const lineNumber = (problem: string) => Number(/^line (\d+)/.exec(problem)?.[1] ?? 0);

function unique(numbers: readonly number[]): number[] {
  return [...new Set(numbers)];
}

/** An AddBatchRequests message for one chunk; its encoded size is what the chunk plan measured. */
export function chunkMessage(schemas: BatchSchemas, batchId: string, requests: BatchRequest[]) {
  return create(schemas.service.method.addBatchRequests.input, { batchId, batchRequests: requests });
}
