import type { DescMethod } from "@bufbuild/protobuf";
import type { CallToolResult, Tool } from "@modelcontextprotocol/sdk/types.js";
import type { z } from "zod";
import type { AllowedRoots } from "../files/allowed-roots.js";
import type { XaiClient } from "../grpc/xai-client.js";
import type { Logger } from "../log.js";
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
  /** Idle limit of media URL fetches, in ms; absent means the default (15 s). */
  readonly mediaIdleTimeoutMs?: number;
}

/** Extra tool-level arguments that are not part of the RPC's request message. */
export interface ToolOptions {
  /** JSON Schema properties, merged beside the request's own fields. */
  readonly properties: Record<string, JsonSchema>;
  /** The validators of those properties (all optional). */
  readonly validators: Record<string, z.ZodType>;
  /** Documentation appended to the tool description. */
  readonly note?: string;
}

/**
 * Runs one call: `request` is the RPC's request message already built from the arguments,
 * `options` the tool-level arguments (those of {@link ToolOptions}) as sent.
 */
export type ToolHandler = (
  request: unknown,
  options: Record<string, unknown>,
  ctx: ToolContext,
) => Promise<CallToolResult>;

/** A tool as served: what `tools/list` shows, plus how to run it. */
export interface ToolDefinition {
  /** The listing entry, as sent in `tools/list`. */
  readonly tool: Tool;
  /** The RPC behind the tool. */
  readonly method: DescMethod;
  /** Validates and runs a call with raw arguments. Never throws: failures are `isError` results. */
  readonly call: (args: Record<string, unknown> | undefined, ctx: ToolContext) => Promise<CallToolResult>;
}
