import type { DescMethod, DescMethodServerStreaming } from "@bufbuild/protobuf";
import type {
  SampleTextRequest,
  SampleTextRequestSchema,
  SampleTextResponseSchema,
} from "../../../gen/xai/api/v1/sample_pb.js";
import { SampleAccumulator } from "../aggregate/sample-accumulator.js";
import type { ToolHandler } from "../tool.js";
import { streamHandler } from "./stream-handler.js";

/**
 * The handler of `Sample.SampleTextStreaming`: text fragments arrive as progress, the result is the
 * aggregated `SampleTextResponse`, as `sample_sample_text` would return it.
 */
export function sampleStreamHandler(method: DescMethod): ToolHandler {
  return streamHandler(
    method as DescMethodServerStreaming<typeof SampleTextRequestSchema, typeof SampleTextResponseSchema>,
    {
      accumulator: () => new SampleAccumulator(),
      // Several prompts or n > 1 give several choices, streamed side by side.
      manyOutputs: (request) => {
        const r = request as SampleTextRequest;
        return r.prompt.length * (r.n ?? 1) > 1;
      },
    },
  );
}
