import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { type CallToolResult, CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { now } from "./stats.js";

/** The repository root, from the compiled `dist/bench/support/` or the sources alike. */
const ROOT = fileURLToPath(
  new URL(import.meta.url.includes("/dist/") ? "../../../" : "../../", import.meta.url),
);

/** The built server under test: what users run. */
export const SERVER_ENTRY = `${ROOT}dist/src/cli.js`;
/** The compiled baselines. */
export const ECHO_ENTRY = `${ROOT}dist/bench/baselines/echo-server.js`;
export const MINIMAL_ENTRY = `${ROOT}dist/bench/baselines/minimal-server.js`;
export const HTTP_ECHO_ENTRY = `${ROOT}dist/bench/baselines/http-echo-server.js`;
/** Where the JSON results go (gitignored). */
export const RESULTS_DIR = `${ROOT}bench/results/`;

/** Node options for spawns of the server under test (not the baselines), e.g. `--cpu-prof`. */
let serverNodeArgs: readonly string[] = [];

/** Sets the Node options every later spawn of the server under test gets. */
export function setServerNodeArgs(args: readonly string[]): void {
  serverNodeArgs = args;
}

const argsFor = (entry: string): string[] => [...(entry === SERVER_ENTRY ? serverNodeArgs : []), entry];

/** Environment of a spawned server: PATH and the like, plus `extra`. */
function childEnv(extra: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ["PATH", "HOME", "TMPDIR", "LANG"]) {
    const v = process.env[key];
    if (v !== undefined) out[key] = v;
  }
  return { ...out, ...extra };
}

/** An MCP server spawned over stdio with the SDK client connected to it. */
export interface McpSession {
  readonly client: Client;
  readonly pid: number;
  /** Calls a tool; rejects when the result is an error, so no failure passes for a fast call. */
  call(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

/** Spawns `node <entry>` and connects the SDK client over stdio. */
export async function startSession(entry: string, env: Record<string, string> = {}): Promise<McpSession> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: argsFor(entry),
    env: childEnv(env),
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-4000);
  });
  const client = new Client({ name: "xai-grpc-mcp-bench", version: "0.0.0" });
  await client.connect(transport);
  const pid = transport.pid;
  if (pid === null) throw new Error(`${entry} has no pid`);
  return {
    client,
    pid,
    call: (name, args) => callOrThrow(client, name, args, () => `\n${stderr}`),
    close: () => client.close(),
  };
}

/** Calls a tool and returns its result; an error result throws, with `context()` appended. */
export async function callOrThrow(
  client: Client,
  name: string,
  args: Record<string, unknown>,
  context: () => string = () => "",
): Promise<CallToolResult> {
  const result = (await client.callTool({ name, arguments: args }, CallToolResultSchema)) as CallToolResult;
  if (result.isError) {
    const block = result.content[0];
    throw new Error(`${name} failed: ${block?.type === "text" ? block.text : "error"}${context()}`);
  }
  return result;
}

/** Resident set size of a process in MiB (Linux /proc; `ps` elsewhere). */
export function rssMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    if (kb) return Number(kb) / 1024;
  } catch {
    // Not Linux: fall through to ps.
  }
  return Number(execFileSync("ps", ["-o", "rss=", "-p", String(pid)], { encoding: "utf8" }).trim()) / 1024;
}

/** What one cold start took, and the `tools/list` line as it came over the wire. */
export interface ColdStart {
  /** Spawn → `initialize` answered, in ms. */
  readonly initializeMs: number;
  /** Spawn → `tools/list` answered (after `initialize`), in ms. */
  readonly toolsListMs: number;
  /** The `result` of `tools/list` exactly as sent (JSON text). */
  readonly toolsListResult: string;
}

/**
 * Spawns `node <entry>`, sends `initialize` then (once answered) `notifications/initialized` and
 * `tools/list` as raw JSON-RPC lines, and times the answers from the moment of the spawn.
 */
export function coldStart(entry: string, env: Record<string, string> = {}): Promise<ColdStart> {
  return new Promise((resolve, reject) => {
    const started = now();
    const child = spawn(process.execPath, argsFor(entry), {
      env: childEnv(env),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let initializeMs = 0;
    let buffered = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${entry}: no tools/list answer within 30 s\n${stderr}`));
    }, 30_000);
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    child.on("error", reject);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      buffered += chunk;
      for (let i = buffered.indexOf("\n"); i >= 0; i = buffered.indexOf("\n")) {
        const line = buffered.slice(0, i);
        buffered = buffered.slice(i + 1);
        const message = JSON.parse(line) as { id?: number; result?: unknown };
        if (message.id === 1) {
          initializeMs = now() - started;
          child.stdin.write(
            `${JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" })}\n${JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" })}\n`,
          );
        } else if (message.id === 2) {
          const toolsListMs = now() - started;
          clearTimeout(timer);
          child.stdin.end();
          child.kill();
          resolve({ initializeMs, toolsListMs, toolsListResult: JSON.stringify(message.result) });
        }
      }
    });
    child.stdin.write(
      `${JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: {
          protocolVersion: "2025-06-18",
          capabilities: {},
          clientInfo: { name: "xai-grpc-mcp-bench", version: "0.0.0" },
        },
      })}\n`,
    );
  });
}
