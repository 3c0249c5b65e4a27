import { items, short } from "./listing.js";

type Json = Record<string, unknown>;

/**
 * Embeddings, summarised: vectors are long and mean nothing to read, so the text gives their count,
 * dimension and first values; the full vectors are in the structured content.
 */
export function renderEmbeddings(response: Json): string {
  const embeddings = items(response, "embeddings");
  const lines = embeddings.map((e) => {
    const vector = items(e, "embeddings")[0] ?? {};
    const floats = Array.isArray(vector.float_array) ? (vector.float_array as number[]) : undefined;
    const shape = floats
      ? `${floats.length} floats [${floats
          .slice(0, 4)
          .map((x) => x.toFixed(4))
          .join(", ")}, …]`
      : `base64 (${String(vector.base64_array ?? "").length} chars)`;
    return `- input ${short(e.index ?? 0)}: ${shape}`;
  });
  const usage = (response.usage ?? {}) as Json;
  return [
    `${embeddings.length} embedding${embeddings.length === 1 ? "" : "s"} from ${short(response.model)} (full vectors in the structured content):`,
    ...lines,
    `— ${short(usage.num_text_embeddings ?? 0)} text, ${short(usage.num_image_embeddings ?? 0)} image inputs`,
  ].join("\n");
}

/** Tokens as `id:"text"` pairs, with the count first. */
export function renderTokens(response: Json): string {
  const tokens = items(response, "tokens");
  const list = tokens
    .map((t) => `${short(t.token_id ?? 0)}:${JSON.stringify(t.string_token ?? "")}`)
    .join(" ");
  return `${tokens.length} tokens (${short(response.model)}): ${list}`;
}
