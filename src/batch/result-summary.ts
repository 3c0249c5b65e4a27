import type { BatchResult } from "../../gen/xai/api/v1/batch_pb.js";
import { statusName } from "../grpc/status.js";

/** How many failures a summary lists one by one; the rest are counted by status. */
export const MAX_FAILURES_LISTED = 20;

/** One failed request, as a summary lists it. */
export interface FailureEntry {
  readonly batch_request_id: string;
  /** The status name, e.g. `NOT_FOUND`. */
  readonly status: string;
  readonly code: number;
  readonly message: string;
}

/** The JSON a summary reports. */
export interface ResultSummaryJson {
  readonly succeeded: number;
  readonly failed: number;
  /** Failures per status name. */
  readonly failed_by_status: Record<string, number>;
  /** The first {@link MAX_FAILURES_LISTED} failures. */
  readonly failures: FailureEntry[];
  /** Failures not listed in `failures`. */
  readonly failures_not_listed: number;
}

/**
 * Counts batch results as they stream by: succeeded, failed per status name, and
 * the first failures with their id, status name and message.
 */
export class ResultSummary {
  succeeded = 0;
  failed = 0;
  readonly #byStatus = new Map<string, number>();
  readonly #failures: FailureEntry[] = [];

  constructor(private readonly maxListed = MAX_FAILURES_LISTED) {}

  /** Counts one result. */
  add(result: BatchResult): void {
    if (result.result.case !== "error") {
      this.succeeded += 1;
      return;
    }
    const error = result.result.value;
    this.failed += 1;
    const code = error.code;
    const status = statusName(code);
    this.#byStatus.set(status, (this.#byStatus.get(status) ?? 0) + 1);
    if (this.#failures.length < this.maxListed) {
      this.#failures.push({
        batch_request_id: result.batchRequestId,
        status,
        code,
        message: error.message,
      });
    }
  }

  toJSON(): ResultSummaryJson {
    return {
      succeeded: this.succeeded,
      failed: this.failed,
      failed_by_status: Object.fromEntries(this.#byStatus),
      failures: [...this.#failures],
      failures_not_listed: this.failed - this.#failures.length,
    };
  }

  /** Text lines for the agent: the counts, then one line per listed failure. */
  lines(): string[] {
    const out = [`${this.succeeded} succeeded, ${this.failed} failed`];
    if (this.failed > 0) {
      const by = [...this.#byStatus].map(([s, n]) => `${n} ${s}`).join(", ");
      out.push(`Failures by status: ${by}`);
      for (const f of this.#failures)
        out.push(`- ${f.batch_request_id}: ${f.status} — ${f.message || "(no message)"}`);
      const more = this.failed - this.#failures.length;
      if (more > 0) out.push(`- … and ${more} more failures (all are in the output file)`);
    }
    return out;
  }
}
