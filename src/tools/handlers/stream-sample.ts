import { Sample } from "../../../gen/xai/api/v1/sample_pb.js";
import { SampleAccumulator } from "../aggregate/sample-accumulator.js";
import { streamTool } from "./stream-handler.js";

/**
 * `Sample.SampleTextStreaming`: text fragments arrive as progress, the result is the aggregated
 * `SampleTextResponse`, as `sample_sample_text` would return it.
 */
export const sampleStreamTool = streamTool(Sample.method.sampleTextStreaming, {
  accumulator: () => new SampleAccumulator(),
  // Several prompts or n > 1 give several choices, streamed side by side.
  manyOutputs: (request) => request.prompt.length * (request.n ?? 1) > 1,
});
