import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { type CallToolResult, CallToolResultSchema, McpError } from "@modelcontextprotocol/sdk/types.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The built entry point; the tests run what users run, so `npm test` builds first. */
export const CLI = join(ROOT, "dist", "src", "cli.js");

/** The most recently modified `.ts` file under `dir`, with its modification time in ms. */
function newestSource(dir: string): { path: string; mtime: number } {
  let newest = { path: dir, mtime: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const candidate = entry.isDirectory()
      ? newestSource(path)
      : entry.name.endsWith(".ts")
        ? { path, mtime: statSync(path).mtimeMs }
        : newest;
    if (candidate.mtime > newest.mtime) newest = candidate;
  }
  return newest;
}

/**
 * Throws unless `dist/` exists and is newer than the sources it is built from: the tests must
 * never pass or fail because of a stale build.
 */
export function assertFreshBuild(): void {
  let built: number;
  try {
    built = statSync(CLI).mtimeMs;
  } catch {
    throw new Error(`${CLI} is missing: run \`npm run build\` before these tests (npm test does)`);
  }
  for (const dir of ["src", "gen"]) {
    const newest = newestSource(join(ROOT, dir));
    if (newest.mtime > built) {
      throw new Error(`dist/ is older than ${newest.path}: run \`npm run build\` before these tests`);
    }
  }
}

/** What the spawned server is configured with, as its environment. */
export interface ServerEnv {
  readonly XAI_API_KEY?: string;
  readonly XAI_API_HOST?: string;
  readonly XAI_MANAGEMENT_KEY?: string;
  readonly XAI_MANAGEMENT_API_HOST?: string;
  readonly [name: string]: string | undefined;
}

/** Deferred polls of the servers under test: every 20 ms, so that waits take no real seconds. */
export const TEST_POLL_INTERVAL_MS = 20;

/** First backoff of batch chunk retries in the servers under test: 5 ms, doubling, not 0.2 s. */
export const TEST_RETRY_BACKOFF_MS = 5;

/**
 * The environment of a spawned server: only what is given, plus debug logging so that whatever the
 * server could ever log is in the stderr the tests inspect, a short deferred poll interval and a
 * short batch retry backoff.
 */
export function serverEnv(env: ServerEnv): Record<string, string> {
  const out: Record<string, string> = {
    XAI_MCP_LOG_LEVEL: "debug",
    XAI_MCP_POLL_INTERVAL_MS: String(TEST_POLL_INTERVAL_MS),
    XAI_MCP_RETRY_BACKOFF_MS: String(TEST_RETRY_BACKOFF_MS),
  };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

/** A connected MCP client talking to a spawned server over stdio. */
export interface McpSession {
  readonly client: Client;
  /** The server's process id. */
  readonly pid: number;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  /** Closes the client, which ends the server's stdin. */
  close(): Promise<void>;
}

/** Spawns `node dist/src/cli.js [args]` with `env` and connects the SDK client to it. */
export async function startMcpServer(env: ServerEnv, args: readonly string[] = []): Promise<McpSession> {
  assertFreshBuild();
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, ...args],
    env: serverEnv(env),
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const client = new Client({ name: "xai-grpc-mcp-tests", version: "0.0.0" });
  await client.connect(transport);
  const pid = transport.pid;
  if (pid === null) throw new Error("the server process has no pid");
  return { client, pid, stderr: () => stderr, close: () => client.close() };
}

/** True while a process with this id exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Calls a tool and returns its result in the current (non-legacy) result form. */
export async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<CallToolResult> {
  return CallToolResultSchema.parse(await client.callTool({ name, arguments: args }));
}

/** The text of a result's first content block (throws when it is not text). */
export function firstText(result: CallToolResult): string {
  const block = result.content[0];
  if (block?.type !== "text") throw new Error(`first content block is ${block?.type ?? "missing"}, not text`);
  return block.text;
}

/** A server spawned with plain child_process, to see its stdout byte for byte. */
export interface RawServer {
  readonly child: ChildProcessWithoutNullStreams;
  /** The stdout lines received so far. */
  readonly lines: string[];
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  /** Writes raw text to the server's stdin, as it is. */
  write(text: string): void;
  /** Writes one JSON-RPC message as a line on the server's stdin. */
  send(message: object): void;
  /** Resolves with the response whose id is `id`. */
  response(id: number, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with the exit code and signal, or rejects after `timeoutMs`. */
  exited(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns `node dist/src/cli.js` with `env`, reading its stdout as newline-delimited JSON-RPC. */
export function spawnRaw(env: ServerEnv, args: readonly string[] = []): RawServer {
  assertFreshBuild();
  const child = spawn(process.execPath, [CLI, ...args], {
    env: serverEnv(env),
    stdio: ["pipe", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let buffered = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split("\n");
    buffered = parts.pop() ?? "";
    lines.push(...parts);
    for (const wake of waiters) wake();
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  // A server that exits while a test still writes must not fail the test with EPIPE.
  child.stdin.on("error", () => {});
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const find = (id: number) =>
    lines.map(parseLine).find((m) => m !== undefined && m.id === id && !("method" in m));
  return {
    child,
    lines,
    stderr: () => stderr,
    write: (text) => child.stdin.write(text),
    send: (message) => child.stdin.write(`${JSON.stringify(message)}\n`),
    response: (id, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no response to request ${id} within ${timeoutMs} ms`));
        }, timeoutMs);
        const check = () => {
          const found = find(id);
          if (!found) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        };
        waiters.add(check);
        check();
      }),
    exited: (timeoutMs) => exitWithin(exit, timeoutMs),
  };
}

function parseLine(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The server's exit, or a rejection once `timeoutMs` has passed without it. */
export function exitWithin<T>(exit: Promise<T>, timeoutMs: number): Promise<T> {
  return Promise.race([
    exit,
    new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`the server did not exit within ${timeoutMs} ms`)),
        timeoutMs,
      ).unref(),
    ),
  ]);
}

/** The JSON-RPC error `p` rejects with; throws when it resolves or fails otherwise. */
export async function rpcError(p: Promise<unknown>): Promise<McpError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof McpError) return e;
    throw e;
  }
  throw new Error("expected a JSON-RPC error");
}

/** The code of the JSON-RPC error `p` rejects with (see {@link rpcError}). */
export const rpcCode = async (p: Promise<unknown>): Promise<number> => (await rpcError(p)).code;
