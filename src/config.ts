import { statSync } from "node:fs";
import { RETRY_BACKOFF_MS } from "./batch/retry-backoff.js";
import { parseAllowedDirs } from "./files/allowed-roots.js";
import { DEFAULT_TIMEOUT_MS } from "./grpc/deadline.js";
import { type Endpoint, parseEndpoint } from "./grpc/endpoint.js";
import { HTTP_USAGE, type HttpOptions, parseHttpArgs } from "./http/options.js";
import type { LogLevel } from "./log.js";
import { DEFAULT_MEDIA_IDLE_TIMEOUT_MS } from "./media/idle-limit.js";
import { DEFAULT_HEARTBEAT_MS } from "./tools/heartbeat.js";
import { POLL_INTERVAL_MS } from "./tools/poll-interval.js";
import { ALL_TOOLS, parseList, TOOLSETS, type ToolSelection } from "./tools/selection.js";
import { DEFAULT_MAX_MESSAGE_BYTES } from "./transport/message-limits.js";

/** Everything the server is configured with; flags win over environment variables. */
export interface Config {
  readonly apiKey: string | undefined;
  readonly apiHost: string;
  /** `apiHost` parsed (checked once, at start-up). */
  readonly apiEndpoint: Endpoint;
  readonly managementKey: string | undefined;
  readonly managementHost: string;
  /** `managementHost` parsed (checked once, at start-up). */
  readonly managementEndpoint: Endpoint;
  /** Serve against the built-in emulator instead of xAI. */
  readonly emulator: boolean;
  /** Default deadline of each xAI call, in ms. */
  readonly timeoutMs: number;
  /** Directories local file access is confined to (besides the client's roots). */
  readonly allowedDirs: readonly string[];
  /** Largest generated image returned inline, in bytes. */
  readonly inlineImageMaxBytes: number;
  /** Heartbeat progress after this many ms of silence in a call (with a progress token); 0 = off. */
  readonly heartbeatMs: number;
  /** Pause between two polls of a deferred job while a call waits for it, in ms. */
  readonly pollIntervalMs: number;
  /** First wait before a batch chunk is sent again after a transient failure, in ms (doubling). */
  readonly retryBackoffMs: number;
  /** Serve Streamable HTTP instead of stdio (`--http`), with these options. */
  readonly http?: HttpOptions | undefined;
  /** Largest JSON-RPC message read from the client, in bytes. */
  readonly maxMessageBytes: number;
  /** Which tools are offered (`--toolsets`, `--tools`, `--exclude-tools`, `--read-only`). */
  readonly selection: ToolSelection;
  /** Least level logged (`XAI_MCP_LOG_LEVEL`). */
  readonly logLevel: LogLevel;
  /** A media URL fetch that makes no progress for this many ms is given up. */
  readonly mediaIdleTimeoutMs: number;
}

export type Command =
  | { kind: "serve"; config: Config }
  | { kind: "emulator"; port: number; key?: string; managementKey?: string; faults: string[] }
  | { kind: "help"; text: string }
  | { kind: "version" };

/** A command-line or configuration mistake; the message says what was wrong, in one sentence. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The exit code of every {@link UsageError} (and of a missing key). */
export const USAGE_EXIT_CODE = 2;

const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warning", "error"];

export const USAGE = `xai-grpc-mcp — the xAI gRPC API as MCP tools, over stdio or Streamable HTTP

Usage:
  xai-grpc-mcp [options]             serve MCP over stdio against the xAI API (needs XAI_API_KEY)
  xai-grpc-mcp --emulator [options]  serve MCP over stdio against the built-in emulator (no key, no network)
  xai-grpc-mcp --http [HOST:]PORT [options]
                                     serve MCP over Streamable HTTP at /mcp instead of stdio
  xai-grpc-mcp emulator [--port N] [--key K] [--management-key K] [--fault METHOD=rule]
                                     run the emulator alone as a gRPC server on 127.0.0.1

Options:
  --api-host HOST              xAI API host (env XAI_API_HOST, default api.x.ai)
  --management-api-host HOST   management host for collections (env XAI_MANAGEMENT_API_HOST,
                               default management-api.x.ai)
  --timeout SECONDS            deadline of each xAI call (env XAI_TIMEOUT, default 1620 = 27 min)
  --heartbeat-ms MS            progress heartbeat after MS ms of silence in a call, for clients that
                               sent a progress token (env XAI_MCP_HEARTBEAT_MS, default 10000; 0 = off)
  --allow-dir DIR              allow local file access (image inputs, uploads, downloads, save_to) in DIR;
                               repeatable (env XAI_ALLOWED_DIRS, separated by the path delimiter);
                               the client's MCP roots are allowed too; with none, local paths are refused
  --inline-image-max-bytes N   largest generated image shown inline (env XAI_INLINE_IMAGE_MAX_BYTES,
                               default 1048576); larger ones are saved and linked when save_to is given
  --max-message-bytes N        largest JSON-RPC message read from the client (env XAI_MCP_MAX_MESSAGE_BYTES,
                               default 33554432 = 32 MiB); larger ones get an error and are skipped
  --toolsets LIST              offer only these toolsets, comma-separated, or all (env XAI_TOOLSETS,
                               default all): ${TOOLSETS.join(", ")}
  --tools LIST                 also offer these tools, comma-separated (env XAI_TOOLS)
  --exclude-tools LIST         do not offer these tools (env XAI_EXCLUDE_TOOLS)
  --read-only                  offer only tools that change nothing on xAI or on disk, without their
                               writing options save_to, output_path, store_messages (env XAI_READ_ONLY=1)
  --media-idle-timeout-ms MS   give up fetching an image or video URL after MS ms without progress (less
                               than 1 KiB received; env XAI_MEDIA_IDLE_TIMEOUT_MS, default 15000)
  --emulator                   use the built-in emulator
  -h, --help                   show this help
  -v, --version                show the version

Hosts: host[:port] or https://host[:port] use TLS; http://host:port is plaintext (local servers).
Keys: XAI_API_KEY, and XAI_MANAGEMENT_KEY for the collections tools (listed only when it is set).
Logging: XAI_MCP_LOG_LEVEL=debug|info|warning|error (default info), to stderr.
Lean setup for chat clients: --toolsets chat,image,video,models.
Usage mistakes exit with status ${USAGE_EXIT_CODE}.

${HTTP_USAGE}`;

export const EMULATOR_USAGE = `xai-grpc-mcp emulator — the built-in xAI emulator alone, as a gRPC server on 127.0.0.1

Usage:
  xai-grpc-mcp emulator [--port N] [--key K] [--management-key K] [--fault METHOD=rule]

Options:
  --port N               port to listen on (default 0: any free port)
  --key K                API key clients must send (default xai-emulator-key)
  --management-key K     management key for collections (default xai-emulator-management-key)
  --fault METHOD=rule    inject failures into a method, * for all (repeatable); rules:
                         failNext:N,status:CODE  latencyMs:N  breakStreamAfter:K  stall:true
  -h, --help             show this help

It prints its address and keys to stderr; point a client at it with XAI_API_HOST=http://127.0.0.1:N.`;

function takeValue(argv: string[], i: number, flag: string): string {
  const value = argv[i + 1];
  if (value === undefined || value.startsWith("--")) throw new UsageError(`${flag} needs a value`);
  return value;
}

function nonNegativeInteger(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`${flag} must be a whole number ≥ 0, got "${text}"`);
  return n;
}

function positiveNumber(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number, got "${text}"`);
  return n;
}

function positiveInteger(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`${flag} must be a positive whole number, got "${text}"`);
  return n;
}

/** A message limit: at least 64 KiB (a tools/call with ordinary arguments must always fit). */
function messageLimit(text: string, flag: string): number {
  const n = positiveInteger(text, flag);
  if (n < 64 * 1024) throw new UsageError(`${flag} must be at least 65536 (64 KiB), got "${text}"`);
  return n;
}

/** Reads the command line and environment. Throws {@link UsageError} on a mistake. */
export function parseCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Command {
  const args = [...argv];
  if (args[0] === "emulator") return parseEmulator(args.slice(1));
  if (args.includes("-h") || args.includes("--help")) return { kind: "help", text: USAGE };
  if (args.includes("-v") || args.includes("--version")) return { kind: "version" };
  // The HTTP flags are read in src/http/options.ts; the rest are read here.
  const { rest, http } = parseHttpArgs(args, env, (message) => new UsageError(message));
  args.splice(0, args.length, ...rest);

  const logLevel = (env.XAI_MCP_LOG_LEVEL || "info") as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new UsageError(
      `XAI_MCP_LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got "${env.XAI_MCP_LOG_LEVEL}"`,
    );
  }
  let toolsets = env.XAI_TOOLSETS;
  let tools = env.XAI_TOOLS;
  let excludeTools = env.XAI_EXCLUDE_TOOLS;
  let readOnly = readOnlyEnv(env.XAI_READ_ONLY);
  let apiHost = env.XAI_API_HOST || "api.x.ai";
  let managementHost = env.XAI_MANAGEMENT_API_HOST || "management-api.x.ai";
  let timeoutMs = env.XAI_TIMEOUT
    ? positiveNumber(env.XAI_TIMEOUT, "XAI_TIMEOUT") * 1000
    : DEFAULT_TIMEOUT_MS;
  let heartbeatMs = env.XAI_MCP_HEARTBEAT_MS
    ? nonNegativeInteger(env.XAI_MCP_HEARTBEAT_MS, "XAI_MCP_HEARTBEAT_MS")
    : DEFAULT_HEARTBEAT_MS;
  let emulator = false;
  const flagDirs: string[] = [];
  let inlineImageMaxBytes = env.XAI_INLINE_IMAGE_MAX_BYTES
    ? positiveInteger(env.XAI_INLINE_IMAGE_MAX_BYTES, "XAI_INLINE_IMAGE_MAX_BYTES")
    : 1024 * 1024;
  let maxMessageBytes = env.XAI_MCP_MAX_MESSAGE_BYTES
    ? messageLimit(env.XAI_MCP_MAX_MESSAGE_BYTES, "XAI_MCP_MAX_MESSAGE_BYTES")
    : DEFAULT_MAX_MESSAGE_BYTES;
  let mediaIdleTimeoutMs = env.XAI_MEDIA_IDLE_TIMEOUT_MS
    ? positiveInteger(env.XAI_MEDIA_IDLE_TIMEOUT_MS, "XAI_MEDIA_IDLE_TIMEOUT_MS")
    : DEFAULT_MEDIA_IDLE_TIMEOUT_MS;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    switch (arg) {
      case "--max-message-bytes":
        maxMessageBytes = messageLimit(takeValue(args, i++, arg), arg);
        break;
      case "--api-host":
        apiHost = takeValue(args, i++, arg);
        break;
      case "--management-api-host":
        managementHost = takeValue(args, i++, arg);
        break;
      case "--timeout":
        timeoutMs = positiveNumber(takeValue(args, i++, arg), arg) * 1000;
        break;
      case "--heartbeat-ms":
        heartbeatMs = nonNegativeInteger(takeValue(args, i++, arg), arg);
        break;
      case "--emulator":
        emulator = true;
        break;
      case "--allow-dir":
        flagDirs.push(takeValue(args, i++, arg));
        break;
      case "--inline-image-max-bytes":
        inlineImageMaxBytes = positiveInteger(takeValue(args, i++, arg), arg);
        break;
      case "--toolsets":
        toolsets = takeValue(args, i++, arg);
        break;
      case "--tools":
        tools = takeValue(args, i++, arg);
        break;
      case "--exclude-tools":
        excludeTools = takeValue(args, i++, arg);
        break;
      case "--read-only":
        readOnly = true;
        break;
      case "--media-idle-timeout-ms":
        mediaIdleTimeoutMs = positiveInteger(takeValue(args, i++, arg), arg);
        break;
      default:
        throw new UsageError(`unknown argument "${arg}" (see --help)`);
    }
  }
  const apiKey = env.XAI_API_KEY || undefined;
  const managementKey = env.XAI_MANAGEMENT_KEY || undefined;
  checkPlaceholder("XAI_API_KEY", apiKey);
  checkPlaceholder("XAI_MANAGEMENT_KEY", managementKey);
  const apiEndpoint = checkHost("the API host (--api-host, XAI_API_HOST)", apiHost);
  const managementEndpoint = checkHost(
    "the management host (--management-api-host, XAI_MANAGEMENT_API_HOST)",
    managementHost,
  );
  const selection = parseSelection(toolsets, tools, excludeTools, readOnly);
  return {
    kind: "serve",
    config: {
      apiKey,
      apiHost,
      apiEndpoint,
      managementKey,
      managementHost,
      managementEndpoint,
      emulator,
      timeoutMs,
      // Flags win over the environment: any --allow-dir replaces XAI_ALLOWED_DIRS.
      allowedDirs: flagDirs.length > 0 ? flagDirs : parseAllowedDirs(env.XAI_ALLOWED_DIRS),
      inlineImageMaxBytes,
      heartbeatMs,
      http,
      maxMessageBytes,
      selection,
      logLevel,
      mediaIdleTimeoutMs,
      pollIntervalMs: env.XAI_MCP_POLL_INTERVAL_MS
        ? positiveInteger(env.XAI_MCP_POLL_INTERVAL_MS, "XAI_MCP_POLL_INTERVAL_MS")
        : POLL_INTERVAL_MS,
      retryBackoffMs: env.XAI_MCP_RETRY_BACKOFF_MS
        ? positiveInteger(env.XAI_MCP_RETRY_BACKOFF_MS, "XAI_MCP_RETRY_BACKOFF_MS")
        : RETRY_BACKOFF_MS,
    },
  };
}

function readOnlyEnv(text: string | undefined): boolean {
  if (text === undefined || text === "" || text === "0" || text.toLowerCase() === "false") return false;
  if (text === "1" || text.toLowerCase() === "true") return true;
  throw new UsageError(`XAI_READ_ONLY must be 1 (or true) to turn read-only mode on, or 0, got "${text}"`);
}

/** Unknown toolsets are refused here; tool names are checked against the registry at start. */
function parseSelection(
  toolsets: string | undefined,
  tools: string | undefined,
  excludeTools: string | undefined,
  readOnly: boolean,
): ToolSelection {
  const sets = toolsets === undefined ? ["all"] : parseList(toolsets);
  const chosen = sets.includes("all") ? "all" : sets;
  if (chosen !== "all") {
    const known = new Set<string>(TOOLSETS);
    const unknown = chosen.filter((s) => !known.has(s));
    if (unknown.length > 0 || chosen.length === 0) {
      throw new UsageError(
        `unknown toolset ${unknown.map((u) => `"${u}"`).join(", ") || "(none given)"} in --toolsets/XAI_TOOLSETS; valid toolsets: all, ${TOOLSETS.join(", ")}`,
      );
    }
  }
  return {
    ...ALL_TOOLS,
    toolsets: chosen,
    tools: tools === undefined ? [] : parseList(tools),
    excludeTools: excludeTools === undefined ? [] : parseList(excludeTools),
    readOnly,
  };
}

/** Some MCP clients pass `${VAR}` through as it is when the variable is not set where they run. */
function checkPlaceholder(name: string, value: string | undefined): void {
  const placeholder = value === undefined ? undefined : /\$\{[^}]*\}?/.exec(value)?.[0];
  if (placeholder) {
    throw new UsageError(
      `${name} is the unexpanded placeholder "${placeholder}": the MCP client did not substitute it, so set the variable in the environment the client runs in, or write the value itself in the client's configuration`,
    );
  }
}

/** The endpoint of a configured host, parsed here once for the whole run. */
function checkHost(what: string, value: string): Endpoint {
  checkPlaceholder(what, value);
  try {
    return parseEndpoint(value);
  } catch (e) {
    throw new UsageError(`${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Checks of the configuration that look at the machine (the parse itself is pure): every
 * configured allowed directory exists and is a directory. Throws {@link UsageError}.
 */
export function checkEnvironment(config: Config): void {
  for (const dir of config.allowedDirs) {
    let isDir = false;
    try {
      isDir = statSync(dir).isDirectory();
    } catch {
      throw new UsageError(`allowed directory "${dir}" (--allow-dir, XAI_ALLOWED_DIRS) does not exist`);
    }
    if (!isDir)
      throw new UsageError(`allowed directory "${dir}" (--allow-dir, XAI_ALLOWED_DIRS) is not a directory`);
  }
}

function parseEmulator(args: string[]): Command {
  let port = 0;
  let key: string | undefined;
  let managementKey: string | undefined;
  const faults: string[] = [];
  if (args.includes("-h") || args.includes("--help")) return { kind: "help", text: EMULATOR_USAGE };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    switch (arg) {
      case "--port": {
        const text = takeValue(args, i++, arg);
        port = Number(text);
        if (!Number.isInteger(port) || port < 0 || port > 65535)
          throw new UsageError(`--port: invalid port "${text}"`);
        break;
      }
      case "--key":
        key = takeValue(args, i++, arg);
        break;
      case "--management-key":
        managementKey = takeValue(args, i++, arg);
        break;
      case "--fault":
        faults.push(takeValue(args, i++, arg));
        break;
      default:
        throw new UsageError(`unknown emulator argument "${arg}" (see xai-grpc-mcp emulator --help)`);
    }
  }
  return {
    kind: "emulator",
    port,
    faults,
    ...(key !== undefined ? { key } : {}),
    ...(managementKey !== undefined ? { managementKey } : {}),
  };
}
