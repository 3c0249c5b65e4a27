import { type DescEnum, toJson } from "@bufbuild/protobuf";
import { type Timestamp, TimestampSchema } from "@bufbuild/protobuf/wkt";

/** A string field as text: "—" for the empty string (an unset proto3 string). */
export const orDash = (text: string): string => (text === "" ? "—" : text);

/** Enum values by their proto names (`TEXT, IMAGE`), numbers for unknown ones; "—" for none. */
export function enumNames(schema: DescEnum, values: readonly number[]): string {
  if (values.length === 0) return "—";
  return values.map((v) => schema.values.find((e) => e.number === v)?.name ?? String(v)).join(", ");
}

/** A timestamp as the protobuf JSON mapping writes it (RFC 3339), or "—" when unset. */
export function timestampText(ts: Timestamp | undefined): string {
  return ts ? String(toJson(TimestampSchema, ts)) : "—";
}

/**
 * A compact list for the agent: a count line, then one line per item built from `line`, then the
 * next page token when there is one.
 */
export function renderList<T>(
  noun: string,
  list: readonly T[],
  line: (item: T) => string,
  nextPageToken?: unknown,
): string {
  const head = `${list.length} ${noun}${list.length === 1 ? "" : "s"}${list.length ? ":" : "."}`;
  const lines = list.map((item) => `- ${line(item)}`);
  const tail =
    typeof nextPageToken === "string" && nextPageToken
      ? [`More on the next page: pagination_token "${nextPageToken}".`]
      : [];
  return [head, ...lines, ...tail].join("\n");
}
