import type { DescMethodUnary } from "@bufbuild/protobuf";
import { messageResult } from "../result.js";
import type { ToolHandler } from "../tool.js";

/** The handler of a plain unary RPC: send the request, return the response. */
export function unaryHandler(method: DescMethodUnary): ToolHandler {
  return async (request, _options, ctx) => {
    const response = await ctx.client.unary(method, request as never, { signal: ctx.signal });
    return messageResult(method.output, response);
  };
}
