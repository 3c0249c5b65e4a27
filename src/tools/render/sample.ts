import { FinishReasonSchema, type SampleTextResponse } from "../../../gen/xai/api/v1/sample_pb.js";
import { usageLine } from "./chat.js";

/**
 * Sampled text for the agent: each choice's text (labelled when there are several), then one line
 * of model, usage and finish reason.
 */
export function renderSampleText(response: SampleTextResponse): string {
  const choices = response.choices;
  const blocks = choices.map((c) => (choices.length > 1 ? `[choice ${c.index}]\n${c.text}` : c.text));
  // The zero value (unset) names no reason.
  const names = choices
    .filter((c) => c.finishReason !== 0)
    .map(
      (c) =>
        FinishReasonSchema.values.find((v) => v.number === c.finishReason)?.name ?? String(c.finishReason),
    );
  const finish = [...new Set(names)].join(", ");
  const facts = [`model ${response.model}`, usageLine(response.usage), finish && `finish ${finish}`].filter(
    Boolean,
  );
  return `${blocks.join("\n\n")}\n\n— ${facts.join(" · ")}`;
}
