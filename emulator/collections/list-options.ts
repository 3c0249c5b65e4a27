/** The paging and sorting arguments shared by ListCollections and ListDocuments. */
import { Ordering } from "../../gen/xai/api/v1/shared_pb.js";
import { invalidArgument } from "../errors.js";

/** Page size when `limit` is unset. */
export const DEFAULT_PAGE_SIZE = 100;
/** Largest `limit` accepted. */
export const MAX_PAGE_SIZE = 100;

/** The page size asked for: unset = {@link DEFAULT_PAGE_SIZE}; outside 1..{@link MAX_PAGE_SIZE} = `INVALID_ARGUMENT`. */
export function pageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (limit < 1 || limit > MAX_PAGE_SIZE) {
    throw invalidArgument(`limit must be between 1 and ${MAX_PAGE_SIZE}, got ${limit}`);
  }
  return limit;
}

/**
 * Whether the list runs in descending order. Unset (or `ORDERING_UNKNOWN`): names A→Z, ages and
 * sizes newest/largest first, the order a person scanning the list expects.
 */
export function isDescending(order: Ordering | undefined, sortsByName: boolean): boolean {
  switch (order) {
    case Ordering.ASCENDING:
      return false;
    case Ordering.DESCENDING:
      return true;
    case Ordering.UNKNOWN:
    case undefined:
      return !sortsByName;
    default:
      throw invalidArgument(`order: unknown value ${order}`);
  }
}
