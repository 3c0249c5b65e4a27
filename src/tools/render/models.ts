import type {
  EmbeddingModel,
  ImageGenerationModel,
  LanguageModel,
  ListEmbeddingModelsResponse,
  ListImageGenerationModelsResponse,
  ListLanguageModelsResponse,
} from "../../../gen/xai/api/v1/models_pb.js";
import { ModalitySchema } from "../../../gen/xai/api/v1/models_pb.js";
import { enumNames, orDash, renderList } from "./listing.js";

type AnyModel = LanguageModel | EmbeddingModel | ImageGenerationModel;

/** Prices arrive in 1/100 US cent per million tokens: 30000 = $3.00 per million. */
const perMillion = (v: bigint) => `$${(Number(v) / 10_000).toFixed(2)}/M`;

/** One line about a model: name, aliases, modalities, limits and prices (those it has). */
export function modelLine(m: AnyModel): string {
  const prompt = "promptTextTokenPrice" in m ? m.promptTextTokenPrice : 0n;
  const completion = "completionTextTokenPrice" in m ? m.completionTextTokenPrice : 0n;
  const parts = [
    orDash(m.name),
    m.aliases.length ? `aliases ${m.aliases.map(orDash).join(", ")}` : "",
    `in ${enumNames(ModalitySchema, m.inputModalities)} → out ${enumNames(ModalitySchema, m.outputModalities)}`,
    "maxPromptLength" in m && m.maxPromptLength ? `max prompt ${m.maxPromptLength} tokens` : "",
    prompt !== 0n
      ? `prompt ${perMillion(prompt)}, completion ${completion !== 0n ? perMillion(completion) : "—"}`
      : "",
    "imagePrice" in m && m.imagePrice !== 0n ? `image price ${m.imagePrice}` : "",
    `fingerprint ${orDash(m.systemFingerprint)}`,
  ];
  return parts.filter(Boolean).join(" · ");
}

/** A list of language, embedding or image models, one line each. */
export function renderModelList(
  response: ListLanguageModelsResponse | ListEmbeddingModelsResponse | ListImageGenerationModelsResponse,
): string {
  const models: AnyModel[] = response.models;
  return renderList("model", models, modelLine);
}
