import {
  type BatchRequest,
  type BatchResult,
  BatchRequestMetadata_State as State,
} from "../../gen/xai/api/v1/batch_pb.js";
import { notFound } from "../errors.js";
import type { ByteBudget } from "../limits.js";
import { describeRequest, type PreparedRequest } from "./batch-request.js";

/** One request of a batch, with its state and (once finished) its result. */
export interface BatchItem {
  readonly id: string;
  readonly request: BatchRequest;
  readonly endpoint: string;
  readonly model: string;
  readonly createTime: Date;
  state: State;
  /** When it succeeded, failed or was cancelled. */
  finishTime: Date | undefined;
  /** Set when it succeeded or failed; cancelled requests have none. */
  result: BatchResult | undefined;
  /** Serialized size of `result`, so pages can stay under the message limit without re-encoding. */
  resultBytes: number;
}

/** Cost and billed requests of one endpoint within a batch. */
export interface EndpointTotals {
  ticks: bigint;
  count: number;
}

/** What a batch is created with. */
export interface BatchInit {
  readonly id: string;
  readonly name: string;
  readonly createTime: Date;
  readonly expireTime: Date;
  readonly apiKeyId: string;
  readonly inputFileId?: string | undefined;
}

/**
 * A batch and its requests. Counts are kept incrementally so that
 * `num_requests = pending + success + error + cancelled` holds after every change, and every read
 * is O(1) or O(page) rather than a scan of all requests.
 */
export class BatchRecord {
  readonly items: BatchItem[] = [];
  readonly byId = new Map<string, BatchItem>();
  /**
   * Finished requests (succeeded or failed) in the order they finished. It only grows at the end,
   * so an index into it is a cursor that stays valid while the worker keeps finishing requests:
   * result pages neither skip nor repeat anything.
   */
  readonly finished: BatchItem[] = [];
  readonly counts = { pending: 0, success: 0, error: 0, cancelled: 0 };
  readonly costs = new Map<string, EndpointTotals>();
  cancelTime: Date | undefined;
  /** Every item before this index is no longer pending (requests are processed in order). */
  #next = 0;

  constructor(
    readonly init: BatchInit,
    /** Position in creation order, for newest-first listing. */
    readonly seq: number,
    /** The byte budget of all batches, which results are counted against as they arrive. */
    private readonly budget?: ByteBudget,
  ) {}

  get id(): string {
    return this.init.id;
  }

  /** Appends prepared requests (their ids already checked unique) as pending. */
  add(prepared: readonly PreparedRequest[], at: Date): void {
    for (const { id, request } of prepared) {
      const item: BatchItem = {
        id,
        request,
        ...describeRequest(request),
        createTime: at,
        state: State.PENDING,
        finishTime: undefined,
        result: undefined,
        resultBytes: 0,
      };
      this.items.push(item);
      this.byId.set(id, item);
    }
    this.counts.pending += prepared.length;
  }

  /** The oldest pending request, or undefined when none is left. */
  nextPending(): BatchItem | undefined {
    while (this.#next < this.items.length && this.items[this.#next]?.state !== State.PENDING) this.#next += 1;
    return this.items[this.#next];
  }

  /** Records the result of a pending request; `cost` is what it was billed, per its endpoint. */
  finish(item: BatchItem, result: BatchResult, resultBytes: number, at: Date, cost: bigint): void {
    if (item.state !== State.PENDING) return;
    const ok = result.result.case === "response";
    item.state = ok ? State.SUCCEEDED : State.FAILED;
    item.finishTime = at;
    item.result = result;
    item.resultBytes = resultBytes;
    // The emulator's own work: counted, never refused (requests were checked when added).
    this.budget?.force(resultBytes);
    this.finished.push(item);
    this.counts.pending -= 1;
    if (ok) {
      this.counts.success += 1;
      const totals = this.costs.get(item.endpoint) ?? { ticks: 0n, count: 0 };
      totals.ticks += cost;
      totals.count += 1;
      this.costs.set(item.endpoint, totals);
    } else {
      this.counts.error += 1;
    }
  }

  /**
   * Cancels the batch: every pending request (the one being processed included) becomes cancelled,
   * finished results stay. Idempotent; the first cancel time is kept.
   */
  cancel(at: Date): void {
    this.cancelTime ??= at;
    for (let i = this.#next; i < this.items.length; i++) {
      const item = this.items[i];
      if (item?.state !== State.PENDING) continue;
      item.state = State.CANCELLED;
      item.finishTime = at;
      this.counts.pending -= 1;
      this.counts.cancelled += 1;
    }
    this.#next = this.items.length;
  }
}

/** All batches of one emulator run. */
export class BatchStore {
  readonly #byId = new Map<string, BatchRecord>();
  readonly #ordered: BatchRecord[] = [];

  /** `budget` counts the bytes of every batch's requests and results. */
  constructor(private readonly budget?: ByteBudget) {}

  create(init: BatchInit): BatchRecord {
    const batch = new BatchRecord(init, this.#ordered.length, this.budget);
    this.#byId.set(batch.id, batch);
    this.#ordered.push(batch);
    return batch;
  }

  /** The batch, or `NOT_FOUND`. */
  require(id: string): BatchRecord {
    const batch = this.#byId.get(id);
    if (!batch) throw notFound(`batch ${id} does not exist`);
    return batch;
  }

  /**
   * Newest first: up to `limit` batches created before position `before` (all when undefined), and
   * the position to continue from. Positions never move, so batches created between two pages
   * cannot shift or repeat later pages.
   */
  page(limit: number, before: number | undefined): { batches: BatchRecord[]; next: number | undefined } {
    const start = Math.min(before ?? this.#ordered.length, this.#ordered.length);
    const end = Math.max(0, start - limit);
    const batches = this.#ordered.slice(end, start).reverse();
    return { batches, next: end > 0 ? end : undefined };
  }
}
