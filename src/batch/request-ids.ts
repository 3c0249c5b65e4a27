import { createHash } from "node:crypto";

/** An input line whose request may or may not carry its own `batch_request_id`. */
export interface IdentifiableLine {
  readonly line: number;
  readonly digest: string;
  readonly request: { batchRequestId?: string | undefined };
}

/**
 * The `batch_request_id` given to a line without one: `line-<N>-<12 hex>`, a hash of the batch id,
 * the line number and the line's text. The same file added to the same batch again yields the same
 * ids, which is what lets a retried or repeated call recognise requests that already landed
 * (the API refuses a known id with `ALREADY_EXISTS`) instead of adding them twice. The line number
 * keeps two identical lines apart and lets a reader find a result's line at a glance.
 */
export function stableRequestId(batchId: string, line: number, digest: string): string {
  const hash = createHash("sha256").update(`${batchId}\n${line}\n${digest}`).digest("hex");
  return `line-${line}-${hash.slice(0, 12)}`;
}

/**
 * Gives every line without an id its stable id (in place) and checks that the ids are unique.
 * Returns one problem per repeated id, naming both lines; the ids are only usable when there is none.
 */
export function assignRequestIds(batchId: string, lines: readonly IdentifiableLine[]): string[] {
  const problems: string[] = [];
  const owner = new Map<string, number>();
  // Explicit ids first, so that a message names the user's own repeats by their lines.
  for (const { line, request } of lines) {
    const id = request.batchRequestId;
    if (id === undefined || id === "") continue;
    const earlier = owner.get(id);
    if (earlier !== undefined)
      problems.push(`line ${line}: batch_request_id "${id}" repeats line ${earlier}`);
    else owner.set(id, line);
  }
  for (const { line, digest, request } of lines) {
    if (request.batchRequestId !== undefined && request.batchRequestId !== "") continue;
    const id = stableRequestId(batchId, line, digest);
    const earlier = owner.get(id);
    if (earlier !== undefined) {
      problems.push(
        `line ${line}: its generated batch_request_id "${id}" is used by line ${earlier}; give line ${line} an id`,
      );
    }
    owner.set(id, line);
    request.batchRequestId = id;
  }
  return problems;
}
