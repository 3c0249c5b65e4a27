import type { DescEnum } from "@bufbuild/protobuf";
import { ReasoningEffortSchema } from "../../gen/xai/api/v1/chat_pb.js";
import { ImageAspectRatioSchema } from "../../gen/xai/api/v1/image_pb.js";
import type { PromptEnums } from "./prompt-spec.js";

const EFFORT_PREFIX = "EFFORT_";
const RATIO_PREFIX = "IMG_ASPECT_RATIO_";

/** The enum's values that xAI accepts: every one but the zero (`…_INVALID`) value. */
const accepted = (e: DescEnum) => e.values.filter((v) => v.number !== 0);

/** `EFFORT_HIGH` → `high`. */
const effortWord = (name: string) => name.slice(EFFORT_PREFIX.length).toLowerCase();

/**
 * `IMG_ASPECT_RATIO_16_9` → `16:9`, `…_19_5_9` → `19.5:9`, `…_9_19_5` → `9:19.5`, `…_AUTO` → `auto`.
 * Three numbers hold one decimal: a one-digit middle number is the decimal of the first (19.5:9),
 * a longer one is the whole part of the second (9:19.5); xAI's ratios have one-digit decimals.
 */
export function ratioWord(name: string): string {
  const parts = name.slice(RATIO_PREFIX.length).split("_");
  const [a, b, c] = parts;
  if (parts.length === 2) return `${a}:${b}`;
  if (parts.length === 3 && a && b && c) return b.length === 1 ? `${a}.${b}:${c}` : `${a}:${b}.${c}`;
  return parts.join("_").toLowerCase();
}

/** The value of `e` with `name`, or the one whose name is `prefix` + `word` (`16:9` → `16_9`). */
function lookup(e: DescEnum, prefix: string, value: string): string | undefined {
  const v = value.trim();
  const names = new Set(accepted(e).map((x) => x.name));
  if (names.has(v)) return v;
  const word = `${prefix}${v.toUpperCase().replace(/[:.\s-]+/g, "_")}`;
  return names.has(word) ? word : undefined;
}

/** The prompts' enum forms, from the generated descriptors (so they follow the protos). */
export const PROMPT_ENUMS: PromptEnums = {
  reasoningEffort: (value) => lookup(ReasoningEffortSchema, EFFORT_PREFIX, value),
  aspectRatio: (value) => lookup(ImageAspectRatioSchema, RATIO_PREFIX, value),
  reasoningEfforts: accepted(ReasoningEffortSchema).map((v) => effortWord(v.name)),
  aspectRatios: accepted(ImageAspectRatioSchema).map((v) => ratioWord(v.name)),
};
