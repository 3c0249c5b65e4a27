/** Compact JSON for a text block: no indentation, so a result costs as few tokens as possible. */
export function compactJson(value: unknown): string {
  return JSON.stringify(value);
}
