/**
 * The `filter` of ListDocuments: conditions on documents' metadata fields, all of which must hold.
 *
 * Syntax: `key = value`, `key : value` (the same) or `key != value`, joined by `AND` (any case),
 * `&&` or `,`. Values may be quoted with `"` or `'` (needed when they contain a separator). A key
 * the document does not have never equals a value. Example: `author = "Ada Lovelace" AND year=1843`.
 */
import { invalidArgument } from "../errors.js";

/** One condition on a field. */
interface Condition {
  readonly key: string;
  readonly negated: boolean;
  readonly value: string;
}

/** A parsed filter: does a document with these fields pass? */
export type DocumentFilter = (fields: Readonly<Record<string, string>>) => boolean;

// A clause: key, operator, then a quoted or bare value running to the next separator.
const CLAUSE =
  /\s*([^\s=!:,&"']+)\s*(!=|=|:)\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|(?:(?!\s+and\s|\s*&&|\s*,)[\s\S])+?)\s*(?:$|\s+and\s+|&&|,)/iy;

function unquote(raw: string): string {
  const q = raw[0];
  if ((q === '"' || q === "'") && raw.endsWith(q) && raw.length >= 2) {
    return raw.slice(1, -1).replace(/\\(.)/gu, "$1");
  }
  return raw.trim();
}

/** Parses `filter`; `INVALID_ARGUMENT` naming the syntax when it does not parse. */
export function parseDocumentFilter(filter: string): DocumentFilter {
  const conditions: Condition[] = [];
  const text = filter.trim();
  CLAUSE.lastIndex = 0;
  while (CLAUSE.lastIndex < text.length) {
    const at = CLAUSE.lastIndex;
    const m = CLAUSE.exec(text);
    if (!m || m.index !== at || CLAUSE.lastIndex === at) {
      throw invalidArgument(
        `filter: cannot read "${text.slice(at)}"; write conditions on metadata fields like ` +
          `key = value or key != "a value", joined by AND`,
      );
    }
    conditions.push({ key: m[1] ?? "", negated: m[2] === "!=", value: unquote(m[3] ?? "") });
  }
  return (fields) =>
    conditions.every((c) => {
      const equal = fields[c.key] === c.value;
      return c.negated ? !equal : equal;
    });
}
