import { items, renderList, short } from "./listing.js";

type Json = Record<string, unknown>;

/** Prices arrive in 1/100 US cent per million tokens: 30000 = $3.00 per million. */
const perMillion = (v: unknown) => (v === undefined ? "—" : `$${(Number(v) / 10_000).toFixed(2)}/M`);

/** One line about a model: name, aliases, modalities, limits and prices. */
export function modelLine(m: Json): string {
  const parts = [
    `${short(m.name)}`,
    Array.isArray(m.aliases) && m.aliases.length ? `aliases ${short(m.aliases)}` : "",
    `in ${short(m.input_modalities)} → out ${short(m.output_modalities)}`,
    m.max_prompt_length ? `max prompt ${short(m.max_prompt_length)} tokens` : "",
    m.prompt_text_token_price !== undefined
      ? `prompt ${perMillion(m.prompt_text_token_price)}, completion ${perMillion(m.completion_text_token_price)}`
      : "",
    m.image_price !== undefined ? `image price ${short(m.image_price)}` : "",
    `fingerprint ${short(m.system_fingerprint)}`,
  ];
  return parts.filter(Boolean).join(" · ");
}

/** A list of language, embedding or image models, one line each. */
export function renderModelList(response: Json): string {
  return renderList("model", items(response, "models"), modelLine);
}
