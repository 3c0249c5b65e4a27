import type { MessageInitShape } from "@bufbuild/protobuf";
import type {
  CompletionOutput,
  GetChatCompletionChunk,
  MessageRole,
  MessageSchema,
  ToolCall,
} from "../../gen/xai/api/v1/chat_pb.js";
import { FinishReason } from "../../gen/xai/api/v1/sample_pb.js";
import type { SamplingUsage } from "../../gen/xai/api/v1/usage_pb.js";

/** A text message with the given role. */
export function msg(role: MessageRole, text: string): MessageInitShape<typeof MessageSchema> {
  return { role, content: [{ content: { case: "text", value: text } }] };
}

/** One output rebuilt from stream chunks. */
export interface Accumulated {
  content: string;
  reasoningContent: string;
  encryptedContent: string;
  role: MessageRole | undefined;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
}

/**
 * Rebuilds a response from its chunks the way a client must (written here independently of the
 * emulator's splitter): per index, text concatenates, tool calls append, role and finish reason take
 * the last value; usage and citations come from the last chunk.
 */
export function accumulate(chunks: readonly GetChatCompletionChunk[]): {
  outputs: Map<number, Accumulated>;
  usage: SamplingUsage | undefined;
  citations: string[];
} {
  const outputs = new Map<number, Accumulated>();
  for (const chunk of chunks) {
    for (const o of chunk.outputs) {
      let acc = outputs.get(o.index);
      if (!acc) {
        acc = {
          content: "",
          reasoningContent: "",
          encryptedContent: "",
          role: undefined,
          toolCalls: [],
          finishReason: FinishReason.REASON_INVALID,
        };
        outputs.set(o.index, acc);
      }
      acc.content += o.delta?.content ?? "";
      acc.reasoningContent += o.delta?.reasoningContent ?? "";
      acc.encryptedContent += o.delta?.encryptedContent ?? "";
      if (o.delta?.role) acc.role = o.delta.role;
      acc.toolCalls.push(...(o.delta?.toolCalls ?? []));
      if (o.finishReason) acc.finishReason = o.finishReason;
    }
  }
  const last = chunks[chunks.length - 1];
  return { outputs, usage: last?.usage, citations: last?.citations ?? [] };
}

/** The fields of a unary output that a stream must reproduce. */
export function outputView(o: CompletionOutput): Accumulated {
  return {
    content: o.message?.content ?? "",
    reasoningContent: o.message?.reasoningContent ?? "",
    encryptedContent: o.message?.encryptedContent ?? "",
    role: o.message?.role,
    toolCalls: o.message?.toolCalls ?? [],
    finishReason: o.finishReason,
  };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/**
 * A deliberately small JSON Schema validator, independent of the emulator's own checker: type,
 * enum, required, properties, additionalProperties:false, items, minItems/maxItems, uniqueItems,
 * minimum/maximum/exclusiveMinimum, minLength/maxLength. Returns the problems found.
 */
export function validate(schema: Record<string, unknown>, value: Json, path = "$"): string[] {
  const errors: string[] = [];
  const type = schema.type as string | undefined;
  const isObj = (v: Json): v is { [k: string]: Json } =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  const typeOk =
    type === undefined ||
    (type === "object" && isObj(value)) ||
    (type === "array" && Array.isArray(value)) ||
    (type === "string" && typeof value === "string") ||
    (type === "boolean" && typeof value === "boolean") ||
    (type === "integer" && Number.isInteger(value)) ||
    (type === "number" && typeof value === "number") ||
    (type === "null" && value === null);
  if (!typeOk) return [`${path}: expected ${type}, got ${JSON.stringify(value)}`];
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) errors.push(`${path}: not in enum`);
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) errors.push(`${path}: below minimum`);
    if (typeof schema.maximum === "number" && value > schema.maximum) errors.push(`${path}: above maximum`);
    if (typeof schema.exclusiveMinimum === "number" && value <= schema.exclusiveMinimum)
      errors.push(`${path}: <= exclusiveMinimum`);
  }
  if (typeof value === "string") {
    if (typeof schema.minLength === "number" && value.length < schema.minLength)
      errors.push(`${path}: too short`);
    if (typeof schema.maxLength === "number" && value.length > schema.maxLength)
      errors.push(`${path}: too long`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === "number" && value.length < schema.minItems)
      errors.push(`${path}: too few items`);
    if (typeof schema.maxItems === "number" && value.length > schema.maxItems)
      errors.push(`${path}: too many items`);
    if (schema.uniqueItems === true && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) {
      errors.push(`${path}: items not unique`);
    }
    const items = schema.items as Record<string, unknown> | undefined;
    if (items) for (const [i, v] of value.entries()) errors.push(...validate(items, v, `${path}[${i}]`));
  }
  if (isObj(value)) {
    const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
    for (const key of (schema.required ?? []) as string[]) {
      if (!(key in value)) errors.push(`${path}: missing ${key}`);
    }
    for (const [key, v] of Object.entries(value)) {
      const sub = props[key];
      if (sub) errors.push(...validate(sub, v, `${path}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${path}: unexpected ${key}`);
    }
  }
  return errors;
}
