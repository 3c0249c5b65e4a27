import { abortableSleep } from "../abort-hooks.js";
import { isXaiGrpcError, type XaiGrpcError } from "../grpc/grpc-error.js";
import { Status } from "../grpc/status.js";
import { RETRY_BACKOFF_MS } from "./retry-backoff.js";

/**
 * Statuses after which a chunk is sent again. They say nothing about whether the chunk landed
 * (a deadline can pass after the server stored it), which is safe only because every request
 * carries its id: a chunk that did land is refused whole with `ALREADY_EXISTS`, and then checked.
 * grpc-js does not retry these calls: an attempt that failed is always seen here.
 */
const TRANSIENT = new Set<number>([
  Status.UNAVAILABLE,
  Status.DEADLINE_EXCEEDED,
  Status.ABORTED,
  Status.INTERNAL,
  Status.UNKNOWN,
  Status.CANCELLED,
]);

/**
 * Attempts per chunk for transient failures (the first included). grpc-js does not retry these
 * calls itself (see channel-options.ts), so this is every attempt: about 12 s of backoff in all.
 */
export const MAX_CHUNK_ATTEMPTS = 8;

/** Rounds of "refused as already there, drop what is there, send the rest" per chunk. */
const MAX_EXISTS_ROUNDS = 3;

/**
 * Wait before retry `n` (0-based): `baseMs` doubling, at most 15 × `baseMs` (with the default
 * 0.2 s doubling, at most 3 s).
 */
export function retryDelayMs(n: number, baseMs: number = RETRY_BACKOFF_MS): number {
  return Math.min(baseMs * 2 ** n, baseMs * 15);
}

/** What {@link sendChunks} needs from the outside world; tests give fakes. */
export interface ChunkSenderDeps<R> {
  /** Sends one AddBatchRequests call with these requests. */
  readonly add: (requests: R[], signal: AbortSignal) => Promise<void>;
  /** Every `batch_request_id` the batch holds now (follows every page). */
  readonly listIds: (signal: AbortSignal) => Promise<Set<string>>;
  /** The id of a request (always set: ids are assigned before sending). */
  readonly idOf: (request: R) => string;
  readonly signal: AbortSignal;
  /** Called after each chunk; `done` counts requests settled so far. */
  readonly onChunk?: (done: number, chunk: ChunkOutcome) => Promise<void> | void;
  readonly onRetry?: (chunk: number, attempt: number, error: XaiGrpcError, delayMs: number) => void;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The first backoff wait, in ms; absent means {@link RETRY_BACKOFF_MS}. */
  readonly backoffMs?: number;
}

/** How one chunk went. */
export interface ChunkOutcome {
  /** 0-based chunk index. */
  readonly index: number;
  /** Added by a call of this run that answered OK. */
  readonly added: number;
  /** Found in the batch after an attempt of this run failed without an answer: the answer was lost. */
  readonly confirmedAfterRetry: number;
  /** Already in the batch before this run sent them (an earlier call added them). */
  readonly alreadyPresent: number;
  /** Calls made for this chunk beyond the first. */
  readonly retries: number;
}

/** Why sending stopped early. */
export interface ChunkFailure {
  /** 0-based index of the chunk that failed. */
  readonly index: number;
  readonly error: unknown;
  /** True when an attempt failed in a way that leaves unknown whether the chunk landed. */
  readonly uncertain: boolean;
}

/** The outcome of a run. */
export interface SendReport {
  readonly chunks: ChunkOutcome[];
  readonly added: number;
  readonly confirmedAfterRetry: number;
  readonly alreadyPresent: number;
  readonly retries: number;
  /** Set when the run stopped before the last chunk settled. */
  readonly failure?: ChunkFailure;
}

/**
 * Sends chunks of requests, in order, one call each, so that every request ends up in the batch
 * exactly once:
 * - a transient failure is retried with backoff (up to {@link MAX_CHUNK_ATTEMPTS});
 * - `ALREADY_EXISTS` (the API refuses a whole call when any of its ids is known) leads to a listing
 *   of the batch's ids: the chunk's requests found there are counted as present, the rest are sent;
 *   once listed, later chunks are filtered against the same list before they are sent, so a second
 *   run over the same input only sends what is missing;
 * - any other failure stops the run: earlier chunks stay added and the report says where it stopped.
 */
export async function sendChunks<R>(chunks: readonly R[][], deps: ChunkSenderDeps<R>): Promise<SendReport> {
  const sleep = deps.sleep ?? abortableSleep;
  const outcomes: ChunkOutcome[] = [];
  let known: Set<string> | undefined;
  let done = 0;
  const total = (k: keyof Omit<ChunkOutcome, "index">) => outcomes.reduce((s, o) => s + o[k], 0);
  const report = (failure?: ChunkFailure): SendReport => ({
    chunks: outcomes,
    added: total("added"),
    confirmedAfterRetry: total("confirmedAfterRetry"),
    alreadyPresent: total("alreadyPresent"),
    retries: total("retries"),
    ...(failure ? { failure } : {}),
  });

  for (const [index, chunk] of chunks.entries()) {
    let pending = chunk;
    let alreadyPresent = 0;
    let confirmedAfterRetry = 0;
    let retries = 0;
    let failedAttempts = 0;
    let existsRounds = 0;
    if (known) {
      const had = known;
      pending = chunk.filter((r) => !had.has(deps.idOf(r)));
      alreadyPresent = chunk.length - pending.length;
    }
    let attempt = 0;
    while (pending.length > 0) {
      if (deps.signal.aborted) {
        return report({ index, error: new Error("cancelled by the client"), uncertain: failedAttempts > 0 });
      }
      try {
        attempt += 1;
        await deps.add(pending, deps.signal);
        for (const r of pending) known?.add(deps.idOf(r));
        break;
      } catch (e) {
        const code = isXaiGrpcError(e) ? e.code : undefined;
        if (deps.signal.aborted) return report({ index, error: e, uncertain: true });
        if (code === Status.ALREADY_EXISTS && existsRounds < MAX_EXISTS_ROUNDS) {
          existsRounds += 1;
          try {
            known = await deps.listIds(deps.signal);
          } catch (listError) {
            return report({ index, error: listError, uncertain: failedAttempts > 0 });
          }
          const had = known;
          const present = pending.filter((r) => had.has(deps.idOf(r))).length;
          if (present === 0) {
            // The refusal names an id the listing does not show: nothing to drop, and sending the
            // same chunk again would only be refused again.
            return report({ index, error: e, uncertain: false });
          }
          if (failedAttempts > 0) confirmedAfterRetry += present;
          else alreadyPresent += present;
          pending = pending.filter((r) => !had.has(deps.idOf(r)));
          if (pending.length > 0) retries += 1;
          continue;
        }
        if (code !== undefined && TRANSIENT.has(code) && attempt < MAX_CHUNK_ATTEMPTS) {
          failedAttempts += 1;
          retries += 1;
          const delay = retryDelayMs(attempt - 1, deps.backoffMs);
          deps.onRetry?.(index, attempt, e as XaiGrpcError, delay);
          await sleep(delay, deps.signal);
          continue;
        }
        return report({ index, error: e, uncertain: code === undefined || TRANSIENT.has(code) });
      }
    }
    const added = chunk.length - alreadyPresent - confirmedAfterRetry;
    const outcome: ChunkOutcome = { index, added, confirmedAfterRetry, alreadyPresent, retries };
    outcomes.push(outcome);
    done += chunk.length;
    await deps.onChunk?.(done, outcome);
  }
  return report();
}
