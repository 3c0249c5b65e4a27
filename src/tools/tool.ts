import type { DescMessage, DescMethod, MessageShape } from "@bufbuild/protobuf";
import type { CallToolResult, Tool } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { AllowedRoots } from "../files/allowed-roots.js";
import type { XaiClient } from "../grpc/xai-client.js";
import type { Logger } from "../log.js";
import { ArgumentError, describeIssues } from "../schema/arguments.js";
import type { JsonSchema } from "../schema/json-schema.js";

/** What a tool call can use besides its arguments. */
export interface ToolContext {
  readonly client: XaiClient;
  /** Aborted when the MCP client cancels the request or disconnects. */
  readonly signal: AbortSignal;
  /**
   * Reports progress to the client; a no-op when the client sent no progress token.
   * `progress` must increase from call to call.
   */
  readonly progress: (progress: number, total?: number, message?: string) => Promise<void>;
  /** True when the client asked for progress (sent a progress token). */
  readonly wantsProgress: boolean;
  readonly log: Logger;
  /**
   * The directories local file access is confined to (`--allow-dir`, `XAI_ALLOWED_DIRS`, the
   * client's roots). Absent: no local path may be read or written.
   */
  readonly roots?: AllowedRoots;
  /** Largest generated image returned inline, in bytes; absent means the default (1 MiB). */
  readonly inlineImageMaxBytes?: number;
  /** Pause between polls of a deferred job, in ms; absent means the default (about once a second). */
  readonly pollIntervalMs?: number;
  /** First wait before a batch chunk is sent again after a transient failure, in ms; absent means 0.2 s. */
  readonly retryBackoffMs?: number;
  /** Idle limit of media URL fetches, in ms; absent means the default (15 s). */
  readonly mediaIdleTimeoutMs?: number;
}

/**
 * Tool-level arguments beside the request's own fields, declared once as a zod object of optional
 * members: their checks are the zod schema, their type is inferred from it, and their JSON Schema
 * (with each member's `.describe()` text) is derived from it.
 */
export type ToolOptionsSchema = z.ZodObject<Record<string, z.ZodOptional<z.ZodType>>>;

/** A tool without tool-level options. */
export const NO_OPTIONS = z.object({});

/** The request message type of a method. */
export type RequestOf<M extends DescMethod> = MessageShape<M["input"]>;

/** Builds a request message of `schema` from arguments (shorthands, checks, local images). */
export type ParseRequest = <I extends DescMessage>(
  schema: I,
  args: Record<string, unknown>,
  ctx: ToolContext,
) => Promise<MessageShape<I>>;

/** What one tool does, typed by its generated method: see {@link defineTool}. */
export interface ToolSpec<M extends DescMethod, O extends ToolOptionsSchema> {
  /** The tool-level options, if any. */
  readonly options?: O;
  /** Documentation of the options, appended to the tool description. */
  readonly optionsNote?: string;
  /**
   * Runs one call: `request` is the method's request message built from the arguments, `options`
   * the tool-level arguments, checked and typed.
   */
  readonly run: (request: RequestOf<M>, options: z.output<O>, ctx: ToolContext) => Promise<CallToolResult>;
}

/** A tool's behaviour bound to its method, as the registry keeps it (types checked at the definition). */
export interface ToolBehaviour {
  /** The RPC the behaviour was written against; the registry checks it is the RPC of its entry. */
  readonly method: DescMethod;
  /** JSON Schema of each tool-level option, derived from the zod object. */
  readonly optionProperties: Readonly<Record<string, JsonSchema>>;
  readonly optionsNote?: string;
  /** Checks the options, builds the request, and runs the call. Throws {@link ArgumentError} on bad arguments. */
  readonly call: (
    requestArgs: Record<string, unknown>,
    optionArgs: Record<string, unknown>,
    ctx: ToolContext,
    parse: ParseRequest,
  ) => Promise<CallToolResult>;
}

/**
 * A tool's behaviour defined against its generated method (`Chat.method.getCompletion`), the way
 * the emulator's `bind()` types a service: the compiler checks the request type, the options'
 * type is inferred from their zod object, and their JSON Schema is derived from the same object.
 */
export function defineTool<M extends DescMethod, O extends ToolOptionsSchema = typeof NO_OPTIONS>(
  method: M,
  spec: ToolSpec<M, O>,
): ToolBehaviour {
  const options = (spec.options ?? NO_OPTIONS) as O;
  return {
    method,
    optionProperties: optionJsonSchemas(options),
    ...(spec.optionsNote !== undefined ? { optionsNote: spec.optionsNote } : {}),
    call: async (requestArgs, optionArgs, ctx, parse) => {
      const checked = options.safeParse(optionArgs);
      if (!checked.success) throw new ArgumentError(describeIssues(checked.error));
      const request = await parse<M["input"]>(method.input, requestArgs, ctx);
      return spec.run(request, checked.data, ctx);
    },
  };
}

/** The JSON Schema of each member of an options object, in the listing's style (description last). */
function optionJsonSchemas(options: ToolOptionsSchema): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const [key, member] of Object.entries(options.shape)) {
    const { $schema: _, description, ...rest } = z.toJSONSchema(member, { io: "input" }) as JsonSchema;
    out[key] = description === undefined ? rest : { ...rest, description };
  }
  return out;
}

/** A tool as served: what `tools/list` shows, plus how to run it. */
export interface ToolDefinition {
  /** The listing entry, as sent in `tools/list`. */
  readonly tool: Tool;
  /** The RPC behind the tool. */
  readonly method: DescMethod;
  /** Validates and runs a call with raw arguments. Never throws: failures are `isError` results. */
  readonly call: (args: Record<string, unknown> | undefined, ctx: ToolContext) => Promise<CallToolResult>;
}
