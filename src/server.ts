import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  type RequestId,
  RootsListChangedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { onAbort } from "./abort-hooks.js";
import { AllowedRoots } from "./files/allowed-roots.js";
import type { XaiClient } from "./grpc/xai-client.js";
import type { Logger } from "./log.js";
import { Redactor } from "./redaction.js";
import { registerSurface } from "./register-surface.js";
import { DEFAULT_HEARTBEAT_MS, ProgressReporter } from "./tools/heartbeat.js";
import { InFlightCalls, stoppingResult } from "./tools/in-flight.js";
import type { ToolDefinition } from "./tools/tool.js";
import { staticTools, type ToolSource } from "./tools/tool-source.js";
import { PACKAGE_NAME, PACKAGE_VERSION } from "./version.js";

export interface ServerDeps {
  /** The gRPC client, or a function that makes it when first needed (so a start need not load it). */
  readonly client: XaiClient | (() => Promise<XaiClient>);
  /** The tools, built (tests) or loaded when first needed (the CLI, see `prebuiltTools`). */
  readonly tools: readonly ToolDefinition[] | ToolSource;
  readonly logger: Logger;
  /** Values that must never appear in any output, nor any 8-character run of them (the keys). */
  readonly secrets: readonly (string | undefined)[];
  /** Directories local file access is allowed in, besides the client's roots (`--allow-dir`). */
  readonly allowedDirs?: readonly string[];
  /** Largest generated image returned inline, in bytes. */
  readonly inlineImageMaxBytes?: number;
  /** Pause between polls of a deferred job while a call waits, in ms. */
  readonly pollIntervalMs?: number;
  /** First wait before a batch chunk is sent again after a transient failure, in ms. */
  readonly retryBackoffMs?: number;
  /** Heartbeat progress after this many ms of silence, when the client sent a progress token; 0 = off. */
  readonly heartbeatMs?: number;
  /** Idle limit of media URL fetches, in ms. */
  readonly mediaIdleTimeoutMs?: number;
  /** The calls in flight, for a shutdown that answers each of them (see `InFlightCalls.stop`). */
  readonly calls?: InFlightCalls;
}

const INSTRUCTIONS =
  "Tools for the xAI API (Grok). Each tool is one xAI gRPC method; arguments are the request in " +
  "protobuf JSON with proto field names and enum names (e.g. ROLE_USER). Start with " +
  "models_list_language_models to see the models, then chat_get_completion. Any image_url also " +
  "takes a local path or file:// URI inside the allowed directories (sent as a data URL); save_to " +
  "options write results there.";

/**
 * The SDK server, with two guards around whatever transport it is connected to: every message it
 * sends is redacted on its way out (results, errors, progress and log notifications alike), and
 * `tools/call` requests are checked as they come in, before the SDK's own schema sees them.
 */
class GuardedServer extends Server {
  /** The arguments of each pending `tools/call` as they arrived, by request id (see {@link checkToolCall}). */
  readonly #rawArguments = new Map<RequestId, unknown>();

  constructor(
    private readonly redactor: Redactor,
    ...rest: ConstructorParameters<typeof Server>
  ) {
    super(...rest);
  }

  override async connect(transport: Transport): Promise<void> {
    redactOutgoing(transport, this.redactor);
    const send = transport.send.bind(transport);
    transport.send = (message, options) => {
      if ("id" in message && !("method" in message) && message.id !== undefined)
        this.#rawArguments.delete(message.id);
      return send(message, options);
    };
    await super.connect(transport);
    const onmessage = transport.onmessage;
    transport.onmessage = (message, extra) => {
      if ("method" in message && message.method === "tools/call" && "id" in message) {
        const problem = checkToolCall(message.params);
        if (problem) {
          void transport.send({
            jsonrpc: "2.0",
            id: message.id,
            error: { code: ErrorCode.InvalidParams, message: problem },
          });
          return;
        }
        this.#rawArguments.set(message.id, message.params?.arguments);
      }
      onmessage?.(message, extra);
    };
  }

  /**
   * The arguments of request `id` as they arrived. The SDK's schema copies them into a new object,
   * which loses an own `__proto__` key; the tools must see it to refuse it by name.
   */
  rawArguments(id: RequestId): unknown {
    return this.#rawArguments.get(id);
  }
}

/** Why a `tools/call` cannot be run, in a sentence; undefined when its shape is right. */
function checkToolCall(params: unknown): string | undefined {
  if (!params || typeof params !== "object" || Array.isArray(params))
    return "Invalid params: tools/call needs params, an object with the tool's name and its arguments.";
  const { name, arguments: args } = params as { name?: unknown; arguments?: unknown };
  if (typeof name !== "string")
    return "Invalid params: tools/call needs params.name, the tool's name as a string.";
  if (args === undefined) return undefined;
  if (args === null || typeof args !== "object" || Array.isArray(args)) {
    const kind = args === null ? "null" : Array.isArray(args) ? "an array" : `a ${typeof args}`;
    return `Invalid params: the arguments of ${name.slice(0, 100)} must be a JSON object of named fields, not ${kind}.`;
  }
  return undefined;
}

/** Makes `transport.send` redact each message before sending it. */
export function redactOutgoing(transport: Transport, redactor: Redactor): void {
  if (!redactor.active) return;
  const send = transport.send.bind(transport);
  transport.send = (message, options) => send(redactor.value(message), options);
}

/** The MCP server: lists the tools and runs calls. Knows nothing of the transport. */
export function createMcpServer(deps: ServerDeps): Server {
  const server = new GuardedServer(
    new Redactor(deps.secrets),
    { name: PACKAGE_NAME, version: PACKAGE_VERSION },
    { capabilities: { tools: {}, logging: {} }, instructions: INSTRUCTIONS },
  );
  const calls = deps.calls ?? new InFlightCalls();
  // The gRPC client once made (the CLI makes it on the first call, so that a start need not load it).
  let readyClient = typeof deps.client === "function" ? undefined : deps.client;
  const clientWhenReady = async () => {
    readyClient ??= await (deps.client as () => Promise<XaiClient>)();
    return readyClient;
  };
  // The settings every call's context carries, gathered once.
  const toolSettings = {
    ...(deps.inlineImageMaxBytes !== undefined ? { inlineImageMaxBytes: deps.inlineImageMaxBytes } : {}),
    ...(deps.pollIntervalMs !== undefined ? { pollIntervalMs: deps.pollIntervalMs } : {}),
    ...(deps.retryBackoffMs !== undefined ? { retryBackoffMs: deps.retryBackoffMs } : {}),
    ...(deps.mediaIdleTimeoutMs !== undefined ? { mediaIdleTimeoutMs: deps.mediaIdleTimeoutMs } : {}),
  };
  const listed = Array.isArray(deps.tools) ? staticTools(deps.tools) : (deps.tools as ToolSource);
  // Prompts, resources and completions, following the tools listed.
  const tools = registerSurface(server, listed, { ...deps, client: clientWhenReady, calls });

  // Local file access: the configured directories plus the client's roots, fetched once the client
  // is initialized (when it declared the capability) and again whenever it says they changed.
  const roots = new AllowedRoots(deps.allowedDirs ?? [], deps.logger);
  server.oninitialized = () => {
    if (!server.getClientCapabilities()?.roots) return;
    roots.useClientRoots(async () => (await server.listRoots(undefined, { timeout: 10_000 })).roots);
  };
  server.setNotificationHandler(RootsListChangedNotificationSchema, async () => roots.refresh());

  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [...(await tools.listing())] }));

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const { name } = request.params;
    const args = (server.rawArguments(extra.requestId) ?? request.params.arguments) as
      | Record<string, unknown>
      | undefined;
    const definition = await tools.definition(name);
    if (!definition) {
      // A plain error with the code: McpError would put "MCP error -32602: " into the message the
      // client receives, and the client's own McpError adds it again.
      throw Object.assign(new Error(`unknown tool "${name}"; call tools/list for the available tools`), {
        code: ErrorCode.InvalidParams,
      });
    }
    const token = request.params._meta?.progressToken;
    const send = async (value: number, total?: number, message?: string) => {
      if (token === undefined) return;
      await extra.sendNotification({
        method: "notifications/progress",
        params: {
          progressToken: token,
          progress: value,
          ...(total !== undefined ? { total } : {}),
          ...(message !== undefined ? { message } : {}),
        },
      });
    };
    // Every call gets heartbeats (when the client asked for progress), so long calls outlive the
    // client's request timeout; the tool's own progress goes through the same reporter.
    const heartbeatMs = token === undefined ? 0 : (deps.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
    const reporter = new ProgressReporter(send, { heartbeatMs, label: name }).start();
    const started = Date.now();
    // Cancelled by the client, or by a shutdown, which answers the call at once.
    let result: CallToolResult;
    try {
      result = await calls.run(
        extra.signal,
        (signal) => {
          if (heartbeatMs > 0) onAbort(signal, () => reporter.stop());
          const run = (client: XaiClient) =>
            definition.call(args, {
              client,
              signal,
              progress: reporter.report,
              wantsProgress: token !== undefined,
              log: deps.logger,
              roots,
              ...toolSettings,
            });
          return readyClient ? run(readyClient) : clientWhenReady().then(run);
        },
        stoppingResult,
      );
    } finally {
      reporter.stop();
    }
    if (!extra.signal.aborted && calls.stopping === undefined) await reporter.settle();
    const outcome = extra.signal.aborted
      ? "cancelled"
      : calls.stopping
        ? "stopped"
        : result.isError
          ? "error"
          : "ok";
    deps.logger.debug(`${name}: ${outcome} in ${Date.now() - started} ms`);
    return result;
  });

  return server;
}
