import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { request } from "node:http";
import { Client, type ClientOptions } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { assertFreshBuild, CLI, exitWithin, type ServerEnv, serverEnv } from "./mcp-client.js";

/** The built server spawned with `--http`, its URL read from the start-up line on stderr. */
export interface HttpServerProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** `http://127.0.0.1:<port>/mcp`, as the start-up line gives it. */
  readonly url: string;
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  readonly port: number;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code and signal, or rejects after `timeoutMs`. */
  exited(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends SIGTERM and waits for the exit. */
  stop(): Promise<void>;
}

const START_LINE = /serving MCP over Streamable HTTP at (http:\/\/\S+\/mcp)/;

/** Spawns `node dist/src/cli.js` with `args` (which include `--http …`) and waits until it listens. */
export async function startHttpServer(
  args: readonly string[],
  env: ServerEnv = {},
): Promise<HttpServerProcess> {
  assertFreshBuild();
  const child = spawn(process.execPath, [CLI, ...args], {
    env: serverEnv(env),
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  let stdout = "";
  child.stdout.setEncoding("utf8").on("data", (c: string) => {
    stdout += c;
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.setEncoding("utf8").on("data", (c: string) => {
      stderr += c;
      const match = START_LINE.exec(stderr);
      if (match) resolve(match[1] as string);
    });
    void exit.then(({ code }) =>
      reject(new Error(`the server exited (${code}) before listening:\n${stderr}`)),
    );
  });
  const exited = (timeoutMs = 10_000) => exitWithin(exit, timeoutMs);
  const parsed = new URL(url);
  return {
    child,
    url,
    origin: parsed.origin,
    port: Number(parsed.port),
    stderr: () => stderr,
    exited,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await exited();
      // stdout is MCP's on stdio; over HTTP nothing may go there at all.
      if (stdout !== "") throw new Error(`the HTTP server wrote to stdout: ${stdout.slice(0, 200)}`);
    },
  };
}

/** Runs the built server with `args` expecting it to refuse to start; resolves with its exit and stderr. */
export async function runToExit(
  args: readonly string[],
  env: ServerEnv = {},
): Promise<{ code: number | null; stderr: string }> {
  assertFreshBuild();
  const child = spawn(process.execPath, [CLI, ...args], {
    env: serverEnv(env),
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (c: string) => {
    stderr += c;
  });
  child.stdout.resume();
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
  clearTimeout(timer);
  return { code, stderr };
}

/** Connects the SDK's Streamable HTTP client to `url`, sending `headers` with every request. */
export async function connectHttp(
  url: string,
  headers: Record<string, string> = {},
  options: ClientOptions = {},
): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  const client = new Client({ name: "xai-grpc-mcp-http-tests", version: "0.0.0" }, options);
  await client.connect(transport);
  return { client, transport };
}

/** One raw HTTP exchange with node:http, so that any header (Host, Origin) goes as given. */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? "GET", headers: options.headers ?? {} }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c: string) => {
        body += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

/** The headers of a JSON-RPC POST the Streamable HTTP transport accepts. */
export const POST_HEADERS = {
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
} as const;
