import type { EmbedResponse } from "../../../gen/xai/api/v1/embed_pb.js";
import type { TokenizeTextResponse } from "../../../gen/xai/api/v1/tokenize_pb.js";
import { orDash } from "./listing.js";

/**
 * Embeddings, summarised: vectors are long and mean nothing to read, so the text gives their count,
 * dimension and first values; the full vectors are in the structured content.
 */
export function renderEmbeddings(response: EmbedResponse): string {
  const lines = response.embeddings.map((e) => {
    const vector = e.embeddings[0];
    const floats = vector?.floatArray ?? [];
    const shape =
      floats.length > 0
        ? `${floats.length} floats [${floats
            .slice(0, 4)
            .map((x) => x.toFixed(4))
            .join(", ")}, …]`
        : `base64 (${(vector?.base64Array ?? "").length} chars)`;
    return `- input ${e.index}: ${shape}`;
  });
  const n = response.embeddings.length;
  const usage = response.usage;
  return [
    `${n} embedding${n === 1 ? "" : "s"} from ${orDash(response.model)} (full vectors in the structured content):`,
    ...lines,
    `— ${usage?.numTextEmbeddings ?? 0} text, ${usage?.numImageEmbeddings ?? 0} image inputs`,
  ].join("\n");
}

/** Tokens as `id:"text"` pairs, with the count first. */
export function renderTokens(response: TokenizeTextResponse): string {
  const list = response.tokens.map((t) => `${t.tokenId}:${JSON.stringify(t.stringToken)}`).join(" ");
  return `${response.tokens.length} tokens (${orDash(response.model)}): ${list}`;
}
