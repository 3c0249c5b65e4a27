import { parseAllowedDirs } from "./files/allowed-roots.js";
import { DEFAULT_TIMEOUT_MS } from "./grpc/deadline.js";
import { DEFAULT_MEDIA_IDLE_TIMEOUT_MS } from "./media/idle-limit.js";
import { DEFAULT_HEARTBEAT_MS } from "./tools/heartbeat.js";

/** Everything the server is configured with; flags win over environment variables. */
export interface Config {
  readonly apiKey: string | undefined;
  readonly apiHost: string;
  readonly managementKey: string | undefined;
  readonly managementHost: string;
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
  /** A media URL fetch that makes no progress for this many ms is given up. */
  readonly mediaIdleTimeoutMs: number;
}

export type Command =
  | { kind: "serve"; config: Config }
  | { kind: "emulator"; port: number; key?: string; managementKey?: string; faults: string[] }
  | { kind: "help" }
  | { kind: "version" };

/** A command-line mistake; the message says what was wrong. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export const USAGE = `xai-grpc-mcp — the xAI gRPC API as MCP tools, over stdio

Usage:
  xai-grpc-mcp [options]             serve MCP over stdio against the xAI API (needs XAI_API_KEY)
  xai-grpc-mcp --emulator [options]  serve MCP over stdio against the built-in emulator (no key, no network)
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
  --media-idle-timeout-ms MS   give up fetching an image or video URL after MS ms without progress (less
                               than 1 KiB received; env XAI_MEDIA_IDLE_TIMEOUT_MS, default 15000)
  --emulator                   use the built-in emulator
  -h, --help                   show this help
  -v, --version                show the version

Hosts: host[:port] or https://host[:port] use TLS; http://host:port is plaintext (local servers).
Keys: XAI_API_KEY, and XAI_MANAGEMENT_KEY for the collections tools (listed only when it is set).`;

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

/** Reads the command line and environment. Throws {@link UsageError} on a mistake. */
export function parseCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Command {
  const args = [...argv];
  if (args.includes("-h") || args.includes("--help")) return { kind: "help" };
  if (args.includes("-v") || args.includes("--version")) return { kind: "version" };
  if (args[0] === "emulator") return parseEmulator(args.slice(1));

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
  let mediaIdleTimeoutMs = env.XAI_MEDIA_IDLE_TIMEOUT_MS
    ? positiveInteger(env.XAI_MEDIA_IDLE_TIMEOUT_MS, "XAI_MEDIA_IDLE_TIMEOUT_MS")
    : DEFAULT_MEDIA_IDLE_TIMEOUT_MS;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    switch (arg) {
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
      case "--media-idle-timeout-ms":
        mediaIdleTimeoutMs = positiveInteger(takeValue(args, i++, arg), arg);
        break;
      default:
        throw new UsageError(`unknown argument "${arg}" (see --help)`);
    }
  }
  return {
    kind: "serve",
    config: {
      apiKey: env.XAI_API_KEY || undefined,
      apiHost,
      managementKey: env.XAI_MANAGEMENT_KEY || undefined,
      managementHost,
      emulator,
      timeoutMs,
      // Flags win over the environment: any --allow-dir replaces XAI_ALLOWED_DIRS.
      allowedDirs: flagDirs.length > 0 ? flagDirs : parseAllowedDirs(env.XAI_ALLOWED_DIRS),
      inlineImageMaxBytes,
      heartbeatMs,
      mediaIdleTimeoutMs,
    },
  };
}

function parseEmulator(args: string[]): Command {
  let port = 0;
  let key: string | undefined;
  let managementKey: string | undefined;
  const faults: string[] = [];
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
        throw new UsageError(`unknown emulator argument "${arg}" (see --help)`);
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
