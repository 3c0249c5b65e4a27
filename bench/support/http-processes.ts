import { type ChildProcess, spawn } from "node:child_process";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { callOrThrow, type McpSession } from "./processes.js";

/** A server process listening on HTTP, its MCP URL read from its stderr. */
export interface HttpProcess {
  readonly url: string;
  readonly pid: number;
  close(): Promise<void>;
}

/** Spawns `node <entry> [args]` and waits for a line on stderr that names `http://…/mcp`. */
export async function startHttpProcess(
  entry: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<HttpProcess> {
  const base: Record<string, string> = {};
  for (const key of ["PATH", "HOME", "TMPDIR", "LANG"]) {
    const v = process.env[key];
    if (v !== undefined) base[key] = v;
  }
  const child: ChildProcess = spawn(process.execPath, [entry, ...args], {
    env: { ...base, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${entry}: not listening within 30 s\n${stderr}`)),
      30_000,
    );
    child.stderr?.setEncoding("utf8").on("data", (d: string) => {
      stderr = (stderr + d).slice(-4000);
      const match = /(http:\/\/\S+\/mcp)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    child.once("exit", (code) => reject(new Error(`${entry} exited (${code})\n${stderr}`)));
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${entry} has no pid`);
  return {
    url,
    pid,
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** The SDK's Streamable HTTP client connected to `url`. */
export async function connectHttp(url: string): Promise<McpSession> {
  const transport = new StreamableHTTPClientTransport(new URL(url));
  const client = new Client({ name: "xai-grpc-mcp-bench", version: "0.0.0" });
  await client.connect(transport);
  return {
    client,
    pid: 0,
    call: (name, args) => callOrThrow(client, name, args),
    close: async () => {
      await transport.terminateSession().catch(() => {});
      await client.close();
    },
  };
}
