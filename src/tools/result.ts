import { type DescMessage, type MessageShape, toJson } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { renderText } from "./render/index.js";

type Json = Record<string, unknown>;

/** A response message in the protobuf JSON mapping with proto field names: `structuredContent`. */
export function responseJson<M extends DescMessage>(schema: M, message: MessageShape<M>): Json {
  return toJson(schema, message, { useProtoFieldName: true }) as Json;
}

/** The result of a successful call: the text for the agent, then the response as structured content. */
export function messageResult<M extends DescMessage>(
  schema: M,
  message: MessageShape<M>,
  extraText?: string,
): CallToolResult {
  const json = responseJson(schema, message);
  const text = schema.typeName === EmptySchema.typeName ? "Done." : renderText(schema, message, json);
  return {
    content: [{ type: "text", text: extraText ? `${text}\n${extraText}` : text }],
    structuredContent: json,
  };
}
