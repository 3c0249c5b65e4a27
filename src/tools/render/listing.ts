type Json = Record<string, unknown>;

/** The array under `key`, or an empty one. */
export const items = (response: Json, key: string): Json[] =>
  Array.isArray(response[key]) ? (response[key] as Json[]) : [];

/** A value as short text: strings as they are, lists joined, objects as JSON. */
export function short(value: unknown): string {
  if (value === undefined || value === null || value === "") return "—";
  if (Array.isArray(value)) return value.map(short).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/**
 * A compact list for the agent: a count line, then one line per item built from `line`, then the
 * next page token when there is one.
 */
export function renderList(
  noun: string,
  list: Json[],
  line: (item: Json) => string,
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
