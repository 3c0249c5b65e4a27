import { clone, create } from "@bufbuild/protobuf";
import {
  type SampleChoice,
  SampleChoiceSchema,
  type SampleTextResponse,
  SampleTextResponseSchema,
} from "../../../gen/xai/api/v1/sample_pb.js";
import type { StreamAccumulator, TextDelta } from "./stream-accumulator.js";

/**
 * Accumulates a `Sample.SampleTextStreaming` stream into one `SampleTextResponse`: per choice index
 * the text fragments concatenate and the finish reason takes the last value sent; `usage` is
 * cumulative, so the last chunk's is the total. Choices stay apart and come back in index order.
 */
export class SampleAccumulator
  implements StreamAccumulator<SampleTextResponse, typeof SampleTextResponseSchema>
{
  readonly schema = SampleTextResponseSchema;
  readonly #response: SampleTextResponse = create(SampleTextResponseSchema);
  readonly #choices = new Map<number, SampleChoice>();
  #chunks = 0;

  get chunks(): number {
    return this.#chunks;
  }

  add(chunk: SampleTextResponse): TextDelta[] {
    this.#chunks += 1;
    const r = this.#response;
    if (chunk.id) r.id = chunk.id;
    if (chunk.created) r.created = chunk.created;
    if (chunk.model) r.model = chunk.model;
    if (chunk.systemFingerprint) r.systemFingerprint = chunk.systemFingerprint;
    if (chunk.usage) r.usage = chunk.usage;
    const deltas: TextDelta[] = [];
    for (const piece of chunk.choices) {
      let choice = this.#choices.get(piece.index);
      if (!choice) {
        choice = create(SampleChoiceSchema, { index: piece.index });
        this.#choices.set(piece.index, choice);
      }
      choice.text += piece.text;
      if (piece.finishReason) choice.finishReason = piece.finishReason;
      deltas.push({ index: piece.index, text: piece.text });
    }
    return deltas;
  }

  result(): SampleTextResponse {
    const response = clone(SampleTextResponseSchema, this.#response);
    response.choices = [...this.#choices.values()]
      .sort((a, b) => a.index - b.index)
      .map((c) => clone(SampleChoiceSchema, c));
    return response;
  }
}
