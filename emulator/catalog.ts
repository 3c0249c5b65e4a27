import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  type EmbeddingModel,
  EmbeddingModelSchema,
  type ImageGenerationModel,
  ImageGenerationModelSchema,
  type LanguageModel,
  LanguageModelSchema,
  Modality,
} from "../gen/xai/api/v1/models_pb.js";
import type { BaseContext } from "./context.js";
import { notFound } from "./errors.js";

/** The emulator's model catalog. Lookups accept a model's name or any of its aliases. */
export interface ModelCatalog {
  languageModels(): LanguageModel[];
  embeddingModels(): EmbeddingModel[];
  imageModels(): ImageGenerationModel[];
  /** Video generation models are described with the image-model message (the API has no video-model RPC). */
  videoModels(): ImageGenerationModel[];
  /** The model, or `NOT_FOUND` (thrown as EmulatorError) like the real API. */
  language(name: string): LanguageModel;
  embedding(name: string): EmbeddingModel;
  image(name: string): ImageGenerationModel;
  video(name: string): ImageGenerationModel;
  /**
   * Whether the language model (by name or alias) thinks before answering: such models report
   * `reasoning_content` and reasoning tokens. `false` for unknown names (look the model up first to
   * get `NOT_FOUND`).
   */
  isReasoning(name: string): boolean;
}

/**
 * The message every lookup fails with, naming the model the caller asked for as the real API does
 * (an agent that misspelt a name sees which name was refused).
 */
export function modelNotFoundMessage(name: string): string {
  return `The model "${name}" does not exist or your API key does not have access to it.`;
}

// Prices follow the message's units: 1/100 US cent per million tokens (so 30000 = $3 per million).
interface LanguageEntry {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly reasoning: boolean;
  readonly input: readonly Modality[];
  readonly promptPrice: number;
  readonly imagePrice: number;
  readonly cachedPrice: number;
  readonly completionPrice: number;
  readonly created: string;
  readonly maxPromptLength: number;
  readonly fingerprint: string;
}

/** The chat models, in the order ListLanguageModels returns them. */
const LANGUAGE: readonly LanguageEntry[] = [
  {
    name: "grok-4",
    aliases: ["grok-4-0709", "grok-4-latest"],
    reasoning: true,
    input: [Modality.TEXT, Modality.IMAGE],
    promptPrice: 30000,
    imagePrice: 30000,
    cachedPrice: 7500,
    completionPrice: 150000,
    created: "2025-07-09T00:00:00Z",
    maxPromptLength: 256000,
    fingerprint: "fp_emulator_grok4",
  },
  {
    name: "grok-4-fast",
    aliases: ["grok-4-fast-non-reasoning", "grok-4-fast-latest"],
    reasoning: false,
    input: [Modality.TEXT, Modality.IMAGE],
    promptPrice: 2000,
    imagePrice: 2000,
    cachedPrice: 500,
    completionPrice: 5000,
    created: "2025-09-19T00:00:00Z",
    maxPromptLength: 2000000,
    fingerprint: "fp_emulator_grok4fast",
  },
  {
    name: "grok-3-mini",
    aliases: ["grok-3-mini-beta", "grok-3-mini-latest"],
    reasoning: true,
    input: [Modality.TEXT],
    promptPrice: 3000,
    imagePrice: 0,
    cachedPrice: 750,
    completionPrice: 5000,
    created: "2025-04-03T00:00:00Z",
    maxPromptLength: 131072,
    fingerprint: "fp_emulator_grok3mini",
  },
  {
    name: "grok-code-fast-1",
    aliases: ["grok-code-fast", "grok-code-fast-1-0825"],
    reasoning: false,
    input: [Modality.TEXT],
    promptPrice: 2000,
    imagePrice: 0,
    cachedPrice: 200,
    completionPrice: 15000,
    created: "2025-08-28T00:00:00Z",
    maxPromptLength: 256000,
    fingerprint: "fp_emulator_grokcode",
  },
];

/** Server-side search: $25 per thousand sources, in 1/100 US cent per million searches. */
const SEARCH_PRICE = 250_000_000n;

/** Every model here answers with version 1.0.0: there is one emulated backend. */
const VERSION = "1.0.0";

function languageModel(e: LanguageEntry): LanguageModel {
  return create(LanguageModelSchema, {
    name: e.name,
    aliases: [...e.aliases],
    version: VERSION,
    inputModalities: [...e.input],
    outputModalities: [Modality.TEXT],
    promptTextTokenPrice: BigInt(e.promptPrice),
    promptImageTokenPrice: BigInt(e.imagePrice),
    cachedPromptTokenPrice: BigInt(e.cachedPrice),
    completionTextTokenPrice: BigInt(e.completionPrice),
    searchPrice: SEARCH_PRICE,
    created: timestampFromDate(new Date(e.created)),
    maxPromptLength: e.maxPromptLength,
    systemFingerprint: e.fingerprint,
  });
}

function embeddingModels(): EmbeddingModel[] {
  return [
    create(EmbeddingModelSchema, {
      name: "grok-embedding-small",
      aliases: ["grok-embedding-small-latest"],
      version: VERSION,
      inputModalities: [Modality.TEXT, Modality.IMAGE],
      outputModalities: [Modality.EMBEDDING],
      promptTextTokenPrice: 1000n,
      promptImageTokenPrice: 1000n,
      created: timestampFromDate(new Date("2025-06-12T00:00:00Z")),
      systemFingerprint: "fp_emulator_embedsmall",
    }),
  ];
}

function imageModels(): ImageGenerationModel[] {
  return [
    create(ImageGenerationModelSchema, {
      name: "grok-imagine-image",
      aliases: ["grok-imagine-image-latest", "grok-2-image"],
      version: VERSION,
      inputModalities: [Modality.TEXT, Modality.IMAGE],
      outputModalities: [Modality.IMAGE],
      // Per generated image, in US cents ($0.07).
      imagePrice: 7n,
      created: timestampFromDate(new Date("2025-10-28T00:00:00Z")),
      maxPromptLength: 1024,
      systemFingerprint: "fp_emulator_imagine_image",
    }),
  ];
}

function videoModels(): ImageGenerationModel[] {
  return [
    create(ImageGenerationModelSchema, {
      name: "grok-imagine-video",
      aliases: ["grok-imagine-video-latest"],
      version: VERSION,
      inputModalities: [Modality.TEXT, Modality.IMAGE],
      // The Modality enum has no video member: a video is a sequence of images.
      outputModalities: [Modality.IMAGE],
      // Per generated video, in US cents ($0.50).
      imagePrice: 50n,
      created: timestampFromDate(new Date("2025-10-28T00:00:00Z")),
      maxPromptLength: 1024,
      systemFingerprint: "fp_emulator_imagine_video",
    }),
  ];
}

function find<M extends { name: string; aliases: string[] }>(models: M[], name: string): M {
  const hit = models.find((m) => m.name === name || m.aliases.includes(name));
  if (!hit) throw notFound(modelNotFoundMessage(name));
  return hit;
}

/**
 * Whether the chat model with this name or alias is a reasoning model (`grok-4`, `grok-3-mini`):
 * it reports `reasoning_content` and reasoning tokens. `false` for non-reasoning and unknown names.
 */
export function isReasoningModel(name: string): boolean {
  return LANGUAGE.some((e) => e.reasoning && (e.name === name || e.aliases.includes(name)));
}

/** Token counts a request is billed for. */
export interface BilledTokens {
  /** Prompt text tokens not served from the cache. */
  readonly promptText?: number;
  /** Prompt text tokens served from the cache. */
  readonly cachedPromptText?: number;
  readonly promptImage?: number;
  /** Completion plus reasoning tokens (both are billed at the completion price). */
  readonly completion?: number;
}

/**
 * What a request costs on this model, in USD ticks (10^10 ticks = 1 USD), for `cost_in_usd_ticks`.
 * Prices are in 1/100 US cent per million tokens, i.e. 10^-4 USD / 10^6 tokens = exactly one tick
 * per token per price unit, so the cost is a plain sum of count × price.
 */
export function costInUsdTicks(model: LanguageModel, tokens: BilledTokens): bigint {
  const n = (v: number | undefined) => BigInt(Math.max(0, Math.trunc(v ?? 0)));
  return (
    n(tokens.promptText) * model.promptTextTokenPrice +
    n(tokens.cachedPromptText) * model.cachedPromptTokenPrice +
    n(tokens.promptImage) * model.promptImageTokenPrice +
    n(tokens.completion) * model.completionTextTokenPrice
  );
}

/**
 * Builds the catalog. Every call returns fresh messages, so a caller may change what it got (say,
 * to fill a response) without touching the catalog.
 */
export function createCatalog(_base: BaseContext): ModelCatalog {
  const languageModels = () => LANGUAGE.map(languageModel);
  return {
    languageModels,
    embeddingModels,
    imageModels,
    videoModels,
    language: (name) => find(languageModels(), name),
    embedding: (name) => find(embeddingModels(), name),
    image: (name) => find(imageModels(), name),
    video: (name) => find(videoModels(), name),
    isReasoning: isReasoningModel,
  };
}
