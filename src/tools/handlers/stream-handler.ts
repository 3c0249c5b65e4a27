import type { DescMessage, DescMethodServerStreaming, MessageShape } from "@bufbuild/protobuf";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { isXaiGrpcError, type XaiGrpcError } from "../../grpc/grpc-error.js";
import type { StreamAccumulator, TextDelta } from "../aggregate/stream-accumulator.js";
import { renderText } from "../render/index.js";
import { messageResult, responseJson } from "../result.js";
import { defineTool, type ToolBehaviour, type ToolContext } from "../tool.js";
import { grpcErrorResult } from "../tool-error.js";
import { toolNameOf } from "../tool-names.js";

/** How one streaming tool folds its chunks and words its result. */
export interface StreamTool<I extends DescMessage, C extends DescMessage, R extends DescMessage> {
  /** A fresh accumulator for one call. */
  readonly accumulator: (request: MessageShape<I>) => StreamAccumulator<MessageShape<C>, R>;
  /** True when the request asks for several outputs, so progress messages name their output. */
  readonly manyOutputs?: (request: MessageShape<I>) => boolean;
  /** True when progress should also name tool activity (verbose streaming of server-side tools). */
  readonly activity?: (request: MessageShape<I>) => boolean;
  /** Lines added after the rendered result (e.g. how to continue a stored conversation). */
  readonly extraText?: (request: MessageShape<I>, result: MessageShape<R>) => string | undefined;
}

/**
 * The progress messages of one chunk: its answer text, exactly as received, one notification per
 * output that got text (labelled `[output i] ` when the stream has several outputs), or a single
 * notification without a message when the chunk added no answer text (reasoning, tool calls, the
 * closing chunk) so that progress still moves. With `activity`, tool activity the chunk reported
 * (`web_search: {"query":…} (in progress)`) comes first, one notification per line, apart from the
 * answer text.
 */
export function progressMessages(
  deltas: readonly TextDelta[],
  manyOutputs: boolean,
  activity = false,
): (string | undefined)[] {
  const texts = deltas.filter((d) => d.text !== "");
  const notes = activity
    ? deltas.flatMap((d) => (d.activity ?? []).map((line) => ({ index: d.index, line })))
    : [];
  const labelled = manyOutputs || texts.length > 1 || texts.some((d) => d.index !== 0);
  const label = (index: number, text: string) =>
    labelled || manyOutputs ? `[output ${index}] ${text}` : text;
  const messages = [...notes.map((n) => label(n.index, n.line)), ...texts.map((d) => label(d.index, d.text))];
  return messages.length > 0 ? messages : [undefined];
}

/**
 * The behaviour of a server-streaming RPC: reads the stream, reports each chunk's text as MCP
 * progress while it arrives (when the client sent a progress token), and returns the aggregated
 * response, the same as the unary RPC would give. Cancelling the MCP request cancels the gRPC
 * call at once (the client's signal is the call's). If the stream breaks midway, the result is an
 * error that names the status and still carries everything received before the break.
 */
export function streamTool<I extends DescMessage, C extends DescMessage, R extends DescMessage>(
  method: DescMethodServerStreaming<I, C>,
  tool: StreamTool<I, C, R>,
): ToolBehaviour {
  const name = toolNameOf(method);
  return defineTool(method, {
    run: async (request, _options, ctx) => {
      const acc = tool.accumulator(request);
      const many = tool.manyOutputs?.(request) ?? false;
      const activity = tool.activity?.(request) ?? false;
      let progress = 0;
      try {
        for await (const chunk of ctx.client.serverStream(method, request, { signal: ctx.signal })) {
          const deltas = acc.add(chunk);
          if (ctx.wantsProgress) {
            for (const message of progressMessages(deltas, many, activity)) {
              progress += 1;
              await ctx.progress(progress, undefined, message);
            }
          }
        }
      } catch (e) {
        if (isXaiGrpcError(e)) return brokenStreamResult(e, name, acc, ctx);
        throw e;
      }
      const result = acc.result();
      return messageResult(acc.schema, result, tool.extraText?.(request, result));
    },
  });
}

/** The error of a stream that failed: the gRPC error first, then all that arrived before it. */
function brokenStreamResult<R extends DescMessage>(
  e: XaiGrpcError,
  name: string,
  acc: StreamAccumulator<unknown, R>,
  ctx: ToolContext,
): CallToolResult {
  const error = grpcErrorResult(e, name);
  if (acc.chunks === 0) return error;
  ctx.log.debug(`${name}: stream failed with ${e.status} after ${acc.chunks} chunks`);
  const partial = responseJson(acc.schema, acc.result());
  const errorText = error.content[0]?.type === "text" ? error.content[0].text : "";
  const text = [
    errorText,
    `The stream broke after ${acc.chunks} chunk${acc.chunks === 1 ? "" : "s"}; everything received before the break follows (incomplete: no finish reason or final usage may have arrived).`,
    "",
    renderText(acc.schema, acc.result(), partial),
  ].join("\n");
  return {
    isError: true,
    content: [{ type: "text", text }],
    structuredContent: { ...error.structuredContent, partial },
  };
}
