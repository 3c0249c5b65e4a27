/**
 * Keyset pagination for the Collections list calls. A page token names the sort position of the last
 * item returned, not an offset: the next page starts strictly after it, so every item present for
 * the whole walk appears exactly once even when others are added or removed between pages.
 */
import { invalidArgument } from "../errors.js";

/** An item's place in the sort: its sort value, then its id to break ties. */
export type SortKey = readonly [value: string | number, id: string];

/** One page and the token of the next (undefined on the last page). */
export interface Page<T> {
  readonly items: T[];
  readonly nextToken: string | undefined;
}

/** What a list call asks for. */
export interface PageQuery {
  readonly limit: number;
  readonly descending: boolean;
  readonly token: string | undefined;
  /**
   * Everything that shapes the list (sort, order, filters): a token is only valid for the list it
   * came from, since a position in one sort means nothing in another.
   */
  readonly scope: string;
}

function compareKeys(a: SortKey, b: SortKey): number {
  const [av, aid] = a;
  const [bv, bid] = b;
  if (av !== bv) {
    if (typeof av === "number" && typeof bv === "number") return av - bv;
    return String(av) < String(bv) ? -1 : 1;
  }
  return aid < bid ? -1 : aid > bid ? 1 : 0;
}

interface TokenBody {
  readonly scope: string;
  readonly after: SortKey;
}

function encode(body: TokenBody): string {
  return Buffer.from(JSON.stringify(body), "utf8").toString("base64url");
}

function decode(token: string, scope: string): SortKey {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw invalidArgument("pagination_token is not a token this server issued");
  }
  const b = body as Partial<TokenBody> | null;
  const after = b?.after;
  if (
    typeof b !== "object" ||
    b === null ||
    typeof b.scope !== "string" ||
    !Array.isArray(after) ||
    after.length !== 2 ||
    (typeof after[0] !== "string" && typeof after[0] !== "number") ||
    typeof after[1] !== "string"
  ) {
    throw invalidArgument("pagination_token is not a token this server issued");
  }
  if (b.scope !== scope) {
    throw invalidArgument(
      "pagination_token belongs to a list with another sort, order or filter: repeat those of the first call",
    );
  }
  return after as unknown as SortKey;
}

/** The page of `items` that `query` asks for, sorted by `keyOf`. */
export function keysetPage<T>(items: readonly T[], keyOf: (item: T) => SortKey, query: PageQuery): Page<T> {
  const sign = query.descending ? -1 : 1;
  const keyed = items.map((item) => ({ item, key: keyOf(item) }));
  keyed.sort((a, b) => sign * compareKeys(a.key, b.key));
  const after = query.token ? decode(query.token, query.scope) : undefined;
  const rest = after ? keyed.filter((k) => sign * compareKeys(k.key, after) > 0) : keyed;
  const page = rest.slice(0, query.limit);
  const last = page.at(-1);
  const nextToken =
    rest.length > page.length && last ? encode({ scope: query.scope, after: last.key }) : undefined;
  return { items: page.map((k) => k.item), nextToken };
}
