import { create, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import {
  type BatchRequest,
  type BatchResult,
  type BatchResultDataSchema,
  BatchResultSchema,
  BatchRequestMetadata_State as State,
} from "../../gen/xai/api/v1/batch_pb.js";
import type { EmulatorContext } from "../context.js";
import { EmulatorError, Status } from "../errors.js";
import type { BatchItem, BatchRecord } from "./batch-store.js";
import { repriced } from "./cost.js";

/** What the worker needs: the engines that answer requests, the pace and the clock. */
export type WorkerDeps = Pick<EmulatorContext, "chat" | "images" | "videos" | "config" | "now">;

/**
 * At pace 0 the worker runs requests back to back for at most this long, in ms, before letting the
 * event loop serve other calls (engine calls resolve as microtasks, which alone would starve gRPC).
 */
const SLICE_MS = 8;

// Timers are unref'd: a batch still in progress must not keep the process (a test run, the MCP
// server) alive.
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve).unref());

/**
 * Processes pending batch requests in the background, one at a time, in the order they were added,
 * spending `config.batchPaceMs` on each. Batches with work take turns request by request, so a big
 * batch does not hold up a small one created after it.
 */
export class BatchWorker {
  readonly #deps: WorkerDeps;
  readonly #queue: BatchRecord[] = [];
  readonly #queued = new Set<BatchRecord>();
  #running = false;

  constructor(deps: WorkerDeps) {
    this.#deps = deps;
  }

  /** Makes sure the pending requests of `batch` get processed. */
  wake(batch: BatchRecord): void {
    if (!this.#queued.has(batch)) {
      this.#queued.add(batch);
      this.#queue.push(batch);
    }
    if (!this.#running) void this.#loop();
  }

  async #loop(): Promise<void> {
    this.#running = true;
    let sliceStart = performance.now();
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue[0] as BatchRecord;
        const item = batch.nextPending();
        if (!item) {
          this.#queue.shift();
          this.#queued.delete(batch);
          continue;
        }
        const pace = this.#deps.config.batchPaceMs;
        if (pace > 0) {
          await sleep(pace);
        } else if (performance.now() - sliceStart >= SLICE_MS) {
          await yieldToLoop();
          sliceStart = performance.now();
        }
        // The batch may have been cancelled while we waited.
        if (item.state === State.PENDING) await this.#process(batch, item);
        if (this.#queue.length > 1 && this.#queue[0] === batch)
          this.#queue.push(this.#queue.shift() as BatchRecord);
      }
    } finally {
      this.#running = false;
    }
  }

  async #process(batch: BatchRecord, item: BatchItem): Promise<void> {
    let result: BatchResult;
    let billed = 0n;
    try {
      const answer = await this.#answer(item.request);
      billed = answer.billed;
      result = create(BatchResultSchema, {
        batchRequestId: item.id,
        result: { case: "response", value: answer.data },
      });
    } catch (e) {
      // Like the real API, a request the engine refuses (unknown model, empty prompt…) fails alone,
      // with the status the synchronous RPC would have answered; the batch goes on.
      const { code, message } =
        e instanceof EmulatorError
          ? e
          : {
              code: Status.INTERNAL,
              message: `emulator error: ${e instanceof Error ? e.message : String(e)}`,
            };
      result = create(BatchResultSchema, {
        batchRequestId: item.id,
        result: { case: "error", value: { code, message } },
      });
    }
    // finish() ignores the result when the request was cancelled while it ran.
    batch.finish(item, result, toBinary(BatchResultSchema, result).byteLength, this.#deps.now(), billed);
  }

  async #answer(
    request: BatchRequest,
  ): Promise<{ data: MessageInitShape<typeof BatchResultDataSchema>; billed: bigint }> {
    const r = request.request;
    switch (r.case) {
      case "completionRequest": {
        const { response, billed } = repriced(await this.#deps.chat.complete(r.value));
        return { data: { response: { case: "completionResponse", value: response } }, billed };
      }
      case "imageRequest": {
        const { response, billed } = repriced(await this.#deps.images.generate(r.value));
        return { data: { response: { case: "imageResponse", value: response } }, billed };
      }
      case "videoRequest":
      case "videoExtensionRequest": {
        const { response, billed } = repriced(await this.#deps.videos.render(r.value));
        return { data: { response: { case: "videoResponse", value: response } }, billed };
      }
      case undefined:
        // Refused when the request was added; kept for an exhaustive switch.
        throw new EmulatorError(Status.INVALID_ARGUMENT, "batch request has no request set");
    }
  }
}
