import type { BatchRequest } from "../../gen/xai/api/v1/batch_pb.js";
import { type EmulatorError, invalidArgument } from "../errors.js";

/**
 * The endpoint a batch request targets, as reported in `BatchRequestMetadata.endpoint` and
 * `EndpointCost.endpoint`. The emulator uses the REST paths of the same operations (the names xAI's
 * batch documentation and console use), not gRPC method paths.
 */
export const ENDPOINTS = {
  completionRequest: "/v1/chat/completions",
  imageRequest: "/v1/images/generations",
  videoRequest: "/v1/videos/generations",
  videoExtensionRequest: "/v1/videos/extensions",
} as const;

/** The oneof members of `BatchRequest.request`, for error messages. */
const KINDS = "completion_request, image_request, video_request or video_extension_request";

/** The endpoint and model of a request whose oneof is set. */
export function describeRequest(request: BatchRequest): { endpoint: string; model: string } {
  const r = request.request;
  if (r.case === undefined) return { endpoint: "", model: "" };
  return { endpoint: ENDPOINTS[r.case], model: r.value.model };
}

/** A request ready to join a batch: validated, with its `batch_request_id` decided. */
export interface PreparedRequest {
  readonly id: string;
  readonly request: BatchRequest;
}

/** How {@link prepareRequests} names a request in errors and reports a repeated id. */
export interface PrepareOptions {
  /** Where request `i` came from, e.g. `batch_requests[3]` or `line 7`. */
  readonly where: (i: number) => string;
  /** Whether the batch already holds a request with this id. */
  readonly exists: (id: string) => boolean;
  /** The error for an id that is already taken (in the batch, or earlier in the same input). */
  readonly duplicate: (message: string) => EmulatorError;
  /** A fresh id for a request that has none. */
  readonly newId: () => string;
}

/**
 * Validates requests and decides their ids, without changing any batch: either every request is
 * accepted or the first problem is thrown, so a failed call adds nothing. A client retrying a chunk
 * after a failure relies on that to never duplicate a request.
 */
export function prepareRequests(requests: readonly BatchRequest[], o: PrepareOptions): PreparedRequest[] {
  const seen = new Map<string, number>();
  requests.forEach((request, i) => {
    if (request.request.case === undefined) {
      throw invalidArgument(`${o.where(i)}: set exactly one of ${KINDS}`);
    }
    const id = request.batchRequestId;
    if (id === undefined || id === "") return;
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      throw o.duplicate(
        `${o.where(i)}: batch_request_id "${id}" is repeated (also at ${o.where(earlier)}); nothing was added`,
      );
    }
    if (o.exists(id)) {
      throw o.duplicate(
        `${o.where(i)}: batch_request_id "${id}" already exists in the batch; nothing was added`,
      );
    }
    seen.set(id, i);
  });
  return requests.map((request) => {
    let id = request.batchRequestId;
    if (id === undefined || id === "") {
      // A generated id must not collide with one the client chose, here or earlier.
      do id = o.newId();
      while (seen.has(id) || o.exists(id));
      seen.set(id, -1);
      // Messages are plain objects: a copy with the id keeps the caller's message untouched.
      request = { ...request, batchRequestId: id };
    }
    return { id, request };
  });
}
