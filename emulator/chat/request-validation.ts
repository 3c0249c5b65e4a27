import {
  FormatType,
  type GetCompletionsRequest,
  type Message,
  MessageRole,
  ReasoningEffort,
  SearchMode,
  ToolMode,
} from "../../gen/xai/api/v1/chat_pb.js";
import { Modality } from "../../gen/xai/api/v1/models_pb.js";
import type { EngineDeps } from "../context.js";
import { invalidArgument, notFound } from "../errors.js";
import { isObject, type JsonSchema } from "./json-schema-check.js";

/** A function the request declares, with its parameters schema parsed. */
export interface DeclaredFunction {
  readonly name: string;
  readonly description: string;
  readonly parameters: JsonSchema;
}

/** What validation learnt from a request, for the engine to answer it with. */
export interface ValidatedRequest {
  /** The canonical model name (aliases resolved). */
  readonly model: string;
  readonly reasoning: boolean;
  readonly functions: readonly DeclaredFunction[];
  /** The parsed schema of a `FORMAT_TYPE_JSON_SCHEMA` response format. */
  readonly responseSchema?: JsonSchema | undefined;
}

/** Most outputs one request may ask for. */
export const MAX_N = 8;
/** Most stop sequences one request may carry. */
export const MAX_STOP_SEQUENCES = 4;
/** Most tools one request may declare. */
export const MAX_TOOLS = 128;

const KNOWN_ROLES = new Set<number>([
  MessageRole.ROLE_USER,
  MessageRole.ROLE_ASSISTANT,
  MessageRole.ROLE_SYSTEM,
  MessageRole.ROLE_FUNCTION,
  MessageRole.ROLE_TOOL,
  MessageRole.ROLE_DEVELOPER,
]);

function inRange(name: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value < min || value > max) {
    throw invalidArgument(`${name} must be between ${min} and ${max}, got ${value}`);
  }
}

/** Parses a JSON Schema sent as a string; `what` names the field in the error. */
export function parseSchema(text: string, what: string): JsonSchema {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw invalidArgument(`${what} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isObject(parsed) && typeof parsed !== "boolean") {
    throw invalidArgument(`${what} must be a JSON Schema object, got ${JSON.stringify(parsed)}`);
  }
  return parsed as JsonSchema;
}

/**
 * Checks one conversation message like the API: a known role, and something in it (text, an image,
 * a file, replayed tool calls or an encrypted blob). `where` is the field path used in errors.
 */
export function validateMessage(message: Message, where: string, deps: Pick<EngineDeps, "files">): void {
  if (message.role === MessageRole.INVALID_ROLE) {
    throw invalidArgument(
      `${where}.role must be set: use ROLE_USER, ROLE_ASSISTANT, ROLE_SYSTEM, ROLE_DEVELOPER or ROLE_TOOL`,
    );
  }
  if (!KNOWN_ROLES.has(message.role))
    throw invalidArgument(`${where}.role has an unknown value ${message.role}`);
  let filled = message.toolCalls.length > 0 || message.encryptedContent.length > 0;
  message.content.forEach((part, j) => {
    const c = part.content;
    switch (c.case) {
      case "text":
        if (c.value.length > 0) filled = true;
        break;
      case "imageUrl":
        if (c.value.source.case === undefined || c.value.source.value.length === 0) {
          throw invalidArgument(`${where}.content[${j}].image_url needs an image_url or a file_id`);
        }
        if (c.value.source.case === "fileId" && !deps.files.get(c.value.source.value)) {
          throw notFound(`${where}.content[${j}].image_url: file ${c.value.source.value} does not exist`);
        }
        filled = true;
        break;
      case "file":
        if (!c.value.fileId && c.value.data.length === 0 && !c.value.url) {
          throw invalidArgument(`${where}.content[${j}].file needs a file_id, data or a url`);
        }
        if (c.value.fileId && !deps.files.get(c.value.fileId)) {
          throw notFound(`${where}.content[${j}].file: file ${c.value.fileId} does not exist`);
        }
        filled = true;
        break;
      default:
        throw invalidArgument(`${where}.content[${j}] is empty: set text, image_url or file`);
    }
  });
  if (!filled)
    throw invalidArgument(
      `${where} has no content: every message needs text, an image, a file or tool calls`,
    );
}

/**
 * Validates a completion request as the API does and returns what the engine needs from it.
 * Throws `INVALID_ARGUMENT` for malformed requests and `NOT_FOUND` for an unknown model.
 */
export function validateRequest(
  request: GetCompletionsRequest,
  deps: Pick<EngineDeps, "catalog" | "files">,
): ValidatedRequest {
  if (request.messages.length === 0) {
    throw invalidArgument("messages must not be empty: send at least one message");
  }
  for (const [i, m] of request.messages.entries()) validateMessage(m, `messages[${i}]`, deps);
  if (request.model.trim() === "") throw invalidArgument("model must be set, e.g. grok-4");
  const model = deps.catalog.language(request.model);
  const reasoning = deps.catalog.isReasoning(model.name);
  if (!model.inputModalities.includes(Modality.IMAGE)) {
    const withImage = request.messages.findIndex((m) => m.content.some((p) => p.content.case === "imageUrl"));
    if (withImage >= 0) {
      throw invalidArgument(
        `model ${model.name} does not accept image input (messages[${withImage}] has an image)`,
      );
    }
  }

  if (request.n !== undefined && (request.n < 1 || request.n > MAX_N)) {
    throw invalidArgument(`n must be between 1 and ${MAX_N}, got ${request.n}`);
  }
  if (request.maxTokens !== undefined && request.maxTokens < 1) {
    throw invalidArgument(`max_tokens must be at least 1, got ${request.maxTokens}`);
  }
  inRange("temperature", request.temperature, 0, 2);
  inRange("top_p", request.topP, 0, 1);
  inRange("frequency_penalty", request.frequencyPenalty, -2, 2);
  inRange("presence_penalty", request.presencePenalty, -2, 2);
  inRange("top_logprobs", request.topLogprobs, 0, 8);
  if (reasoning) {
    // Reasoning models refuse the repetition penalties outright rather than ignoring them.
    if (request.frequencyPenalty !== undefined) {
      throw invalidArgument(`frequency_penalty is not supported by reasoning model ${model.name}`);
    }
    if (request.presencePenalty !== undefined) {
      throw invalidArgument(`presence_penalty is not supported by reasoning model ${model.name}`);
    }
  }
  if (request.stop.length > MAX_STOP_SEQUENCES) {
    throw invalidArgument(`stop accepts at most ${MAX_STOP_SEQUENCES} sequences, got ${request.stop.length}`);
  }
  request.stop.forEach((s, i) => {
    if (s.length === 0) throw invalidArgument(`stop[${i}] must not be empty`);
  });
  if (request.reasoningEffort !== undefined && !(request.reasoningEffort in ReasoningEffort)) {
    throw invalidArgument(`reasoning_effort has an unknown value ${request.reasoningEffort}`);
  }
  if (request.reasoningEffort === ReasoningEffort.INVALID_EFFORT) {
    throw invalidArgument(
      "reasoning_effort must be EFFORT_LOW, EFFORT_MEDIUM, EFFORT_HIGH, EFFORT_XHIGH or EFFORT_NONE when set",
    );
  }
  if (request.searchParameters && request.searchParameters.mode === SearchMode.INVALID_SEARCH_MODE) {
    throw invalidArgument(
      "search_parameters.mode must be set: OFF_SEARCH_MODE, ON_SEARCH_MODE or AUTO_SEARCH_MODE",
    );
  }

  const functions = validateTools(request);
  const responseSchema = validateResponseFormat(request);
  return { model: model.name, reasoning, functions, responseSchema };
}

function validateTools(request: GetCompletionsRequest): DeclaredFunction[] {
  if (request.tools.length > MAX_TOOLS) {
    throw invalidArgument(`tools accepts at most ${MAX_TOOLS} tools, got ${request.tools.length}`);
  }
  const functions: DeclaredFunction[] = [];
  request.tools.forEach((tool, i) => {
    if (tool.tool.case === undefined)
      throw invalidArgument(`tools[${i}] is empty: set function or a server-side tool`);
    if (tool.tool.case !== "function") return;
    const f = tool.tool.value;
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(f.name)) {
      throw invalidArgument(
        `tools[${i}].function.name must be 1 to 64 letters, digits, '_', '.' or '-', got ${JSON.stringify(f.name)}`,
      );
    }
    if (functions.some((g) => g.name === f.name)) {
      throw invalidArgument(`tools[${i}].function.name ${f.name} is declared twice`);
    }
    const parameters =
      f.parameters.trim() === ""
        ? { type: "object", properties: {} }
        : parseSchema(f.parameters, `tools[${i}].function.parameters`);
    functions.push({ name: f.name, description: f.description, parameters });
  });
  const choice = request.toolChoice?.toolChoice;
  if (choice?.case === "mode") {
    if (!(choice.value in ToolMode))
      throw invalidArgument(`tool_choice.mode has an unknown value ${choice.value}`);
    if (choice.value === ToolMode.INVALID) {
      throw invalidArgument(
        "tool_choice.mode must be TOOL_MODE_AUTO, TOOL_MODE_NONE or TOOL_MODE_REQUIRED when set",
      );
    }
    if (choice.value === ToolMode.REQUIRED && request.tools.length === 0) {
      throw invalidArgument("tool_choice TOOL_MODE_REQUIRED needs at least one tool in tools");
    }
  }
  if (choice?.case === "functionName" && !functions.some((f) => f.name === choice.value)) {
    throw invalidArgument(
      `tool_choice.function_name ${JSON.stringify(choice.value)} is not a function declared in tools` +
        (functions.length > 0 ? ` (declared: ${functions.map((f) => f.name).join(", ")})` : ""),
    );
  }
  return functions;
}

function validateResponseFormat(request: GetCompletionsRequest): JsonSchema | undefined {
  const format = request.responseFormat;
  if (!format) return undefined;
  switch (format.formatType) {
    case FormatType.INVALID:
      throw invalidArgument(
        "response_format.format_type must be FORMAT_TYPE_TEXT, FORMAT_TYPE_JSON_OBJECT or FORMAT_TYPE_JSON_SCHEMA",
      );
    case FormatType.JSON_SCHEMA:
      if (format.schema === undefined || format.schema.trim() === "") {
        throw invalidArgument("response_format.schema is required with FORMAT_TYPE_JSON_SCHEMA");
      }
      return parseSchema(format.schema, "response_format.schema");
    case FormatType.TEXT:
    case FormatType.JSON_OBJECT:
      return undefined;
    default:
      throw invalidArgument(`response_format.format_type has an unknown value ${format.formatType}`);
  }
}
