import type { DescMessage, DescMethodUnary } from "@bufbuild/protobuf";
import { messageResult } from "../result.js";
import { defineTool, type ToolBehaviour } from "../tool.js";

/** The behaviour of a plain unary RPC: send the request, return the response. */
export function unaryTool<I extends DescMessage, O extends DescMessage>(
  method: DescMethodUnary<I, O>,
): ToolBehaviour {
  return defineTool(method, {
    run: async (request, _options, ctx) =>
      messageResult(method.output, await ctx.client.unary(method, request, { signal: ctx.signal })),
  });
}
