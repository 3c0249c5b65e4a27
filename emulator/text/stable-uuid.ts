import { hashParts } from "./hash.js";

/** A UUID-shaped id, stable for the same parts (so a key keeps its ids across calls and runs). */
export function stableUuid(...parts: (string | number)[]): string {
  const hex = [0, 1, 2, 3]
    .map((i) =>
      hashParts(...parts, i)
        .toString(16)
        .padStart(8, "0"),
    )
    .join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
