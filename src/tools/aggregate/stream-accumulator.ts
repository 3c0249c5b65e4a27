import type { DescMessage, MessageShape } from "@bufbuild/protobuf";

/** The answer text one chunk added to one output. */
export interface TextDelta {
  /** The output (choice) index the text belongs to. */
  readonly index: number;
  /** The new text, exactly as received; empty when the chunk added no answer text to this output. */
  readonly text: string;
  /** Tool activity the chunk reported (server-side calls, one line each), apart from the text. */
  readonly activity?: readonly string[];
}

/**
 * Folds the chunks of a server stream into the response a unary call would have returned.
 * Stateful: one accumulator per call.
 */
export interface StreamAccumulator<C, R extends DescMessage> {
  /** The schema of the aggregated response. */
  readonly schema: R;
  /** How many chunks were added so far. */
  readonly chunks: number;
  /** Adds the next chunk; returns the answer text it added, per output, in the chunk's order. */
  add(chunk: C): TextDelta[];
  /** The aggregate of every chunk added so far (after a broken stream: what arrived before it broke). */
  result(): MessageShape<R>;
}
