import type { DescMessage, DescMethodUnary, MessageShape } from "@bufbuild/protobuf";
import { DeferredStatus } from "../../../gen/xai/api/v1/deferred_pb.js";
import { abortableSleep } from "../../abort-hooks.js";
import { POLL_INTERVAL_MS } from "../poll-interval.js";
import type { ToolContext } from "../tool.js";

/** Longest wait one call may ask for, in seconds: beyond it, better to call again. */
export const MAX_WAIT_SECONDS = 600;

/** How to read one kind of deferred job's poll responses. */
export interface DeferredJob<O extends DescMessage> {
  /** The job's status in a poll response. */
  readonly statusOf: (response: MessageShape<O>) => DeferredStatus;
  /** Percent done (0–100) while PENDING, when the job reports it (videos do). */
  readonly percentOf?: (response: MessageShape<O>) => number | undefined;
  /** Names the job in progress messages, e.g. `video job`. */
  readonly what: string;
}

/** How polling ended. */
export interface DeferredOutcome<O extends DescMessage> {
  /** The last poll response, to render or post-process (e.g. save a finished video). */
  readonly response: MessageShape<O>;
  /** Its status: DONE, EXPIRED, FAILED, or PENDING when the wait ended first. */
  readonly status: DeferredStatus;
  /** How many polls this call made. */
  readonly polls: number;
  /** How long this call polled, in ms. */
  readonly waitedMs: number;
}

/**
 * Polls a deferred job: once when `waitSeconds` is 0, otherwise every `ctx.pollIntervalMs` (about
 * once a second by default) until its
 * status is final (DONE, EXPIRED, FAILED, or one this server does not know) or `waitSeconds` have
 * passed. Each PENDING poll during a wait is reported as progress (the job's percentage when it
 * has one). Cancelling the MCP request stops the wait and cancels the poll in flight. Rejects with
 * the poll's gRPC error.
 */
export async function pollDeferred<I extends DescMessage, O extends DescMessage>(
  method: DescMethodUnary<I, O>,
  request: MessageShape<I>,
  job: DeferredJob<O>,
  ctx: ToolContext,
  waitSeconds: number,
): Promise<DeferredOutcome<O>> {
  const intervalMs = ctx.pollIntervalMs ?? POLL_INTERVAL_MS;
  const started = Date.now();
  const deadline = started + Math.min(Math.max(waitSeconds, 0), MAX_WAIT_SECONDS) * 1000;
  let polls = 0;
  for (;;) {
    const response = await ctx.client.unary(method, request, { signal: ctx.signal });
    polls += 1;
    const status = job.statusOf(response);
    const outcome = { response, status, polls, waitedMs: Date.now() - started };
    // Polls keep to a grid (0 s, 1 s, 2 s… after the start) so that timer drift never costs the
    // last poll of a wait.
    const next = started + polls * intervalMs;
    if (status !== DeferredStatus.PENDING || next > deadline) return outcome;
    const seconds = Math.round(outcome.waitedMs / 1000);
    const percent = job.percentOf?.(response);
    if (percent !== undefined) {
      await ctx.progress(percent, 100, `${job.what} PENDING: ${percent}% done (${seconds} s)`);
    } else {
      await ctx.progress(polls, undefined, `${job.what} PENDING (${seconds} s)`);
    }
    await abortableSleep(Math.max(0, next - Date.now()), ctx.signal);
  }
}
