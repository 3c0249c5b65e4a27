import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { RequestOptions } from "@modelcontextprotocol/sdk/shared/protocol.js";
import { type CallToolResult, CallToolResultSchema, type Progress } from "@modelcontextprotocol/sdk/types.js";
import { type EmulatorOptions, type RunningEmulator, startEmulator } from "../../emulator/index.js";
import { type McpSession, startMcpServer } from "./mcp-client.js";

/** An emulator in the test process and the built server spawned against it. */
export interface EmulatorSession {
  readonly emu: RunningEmulator;
  readonly mcp: McpSession;
  close(): Promise<void>;
}

/**
 * Starts an emulator here (so the test can inject faults, move its clock and read its call log)
 * and spawns `node dist/src/cli.js` pointed at it, with `env` added to the server's environment.
 */
export async function startEmulatorSession(
  options: EmulatorOptions = {},
  env: Record<string, string> = {},
): Promise<EmulatorSession> {
  const emu = await startEmulator(options);
  const mcp = await startMcpServer({
    XAI_API_KEY: emu.context.config.apiKey,
    XAI_API_HOST: emu.url,
    XAI_MANAGEMENT_KEY: emu.context.config.managementKey,
    XAI_MANAGEMENT_API_HOST: emu.url,
    ...env,
  });
  return {
    emu,
    mcp,
    close: async () => {
      await mcp.close();
      await emu.close();
    },
  };
}

/** A tool result together with the progress notifications that arrived for it, in order. */
export interface ProgressedResult {
  readonly result: CallToolResult;
  /** Every progress notification of the call as it came over the wire, in order. */
  readonly progress: Progress[];
  /** Those the SDK's `onprogress` handler saw (it may miss the last ones; see below). */
  readonly handled: Progress[];
}

interface WireLog {
  /** Progress notifications received, with their token. */
  readonly entries: { token: unknown; progress: Progress }[];
  /** The progress token of the last `tools/call` sent. */
  lastToken: unknown;
}

const wireLogs = new WeakMap<Client, WireLog>();

/**
 * The progress notifications a client received, recorded where they enter the SDK. The SDK client
 * dispatches notifications a microtask after responses, and so drops progress that arrives in the
 * same read as the response (modelcontextprotocol/typescript-sdk#2580); a test of what the server
 * sent must look before that.
 */
function wireLog(client: Client): WireLog {
  const existing = wireLogs.get(client);
  if (existing) return existing;
  const transport = client.transport;
  if (!transport) throw new Error("the client is not connected");
  const log: WireLog = { entries: [], lastToken: undefined };
  const onmessage = transport.onmessage;
  transport.onmessage = (message, extra) => {
    if ("method" in message && message.method === "notifications/progress" && message.params) {
      const { progressToken, ...progress } = message.params as Progress & { progressToken: unknown };
      log.entries.push({ token: progressToken, progress });
    }
    onmessage?.(message, extra);
  };
  const send = transport.send.bind(transport);
  transport.send = (message, options) => {
    if ("method" in message && message.method === "tools/call") {
      log.lastToken = (message.params?._meta as { progressToken?: unknown } | undefined)?.progressToken;
    }
    return send(message, options);
  };
  wireLogs.set(client, log);
  return log;
}

/**
 * Calls a tool with a progress token (the SDK sends one when `onprogress` is given) and collects
 * every progress notification of that token, as received. `options` are the SDK's request options
 * (signal, timeout, resetTimeoutOnProgress…); `onProgress` sees each notification the SDK hands
 * to its progress handler.
 */
export async function callWithProgress(
  client: Client,
  name: string,
  args: Record<string, unknown>,
  options: Omit<RequestOptions, "onprogress"> & { onProgress?: (p: Progress) => void } = {},
): Promise<ProgressedResult> {
  const wire = wireLog(client);
  const handled: Progress[] = [];
  const { onProgress, ...rest } = options;
  // One call at a time per client: the token of the next tools/call sent is this call's.
  wire.lastToken = undefined;
  let token: unknown;
  const raw = await client
    .callTool({ name, arguments: args }, CallToolResultSchema, {
      ...rest,
      onprogress: (p) => {
        handled.push(p);
        onProgress?.(p);
      },
    })
    .finally(() => {
      token = wire.lastToken;
    });
  const progress = wire.entries.filter((e) => e.token === token).map((e) => e.progress);
  return { result: CallToolResultSchema.parse(raw), progress, handled };
}

/** Resolves once `check` is true, polling every 10 ms; rejects after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
