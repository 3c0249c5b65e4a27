import { mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ListRootsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { type EmulatorOptions, type RunningEmulator, startEmulator } from "../../emulator/index.js";
import { assertFreshBuild, CLI, serverEnv } from "./mcp-client.js";

/** An emulator here and the built server spawned against it, for the media and files tests. */
export interface MediaSession {
  readonly emu: RunningEmulator;
  readonly client: Client;
  /** The server's process id (to watch its memory). */
  readonly pid: number;
  stderr(): string;
  /** Replaces the roots the client shares and tells the server they changed. */
  setRoots(dirs: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export interface MediaSessionOptions {
  /** Emulator settings. */
  readonly emulator?: EmulatorOptions;
  /** Extra server environment (XAI_ALLOWED_DIRS, XAI_INLINE_IMAGE_MAX_BYTES…). */
  readonly env?: Record<string, string>;
  /** Extra command-line arguments of the server. */
  readonly args?: readonly string[];
  /** Directories the client shares as MCP roots; when absent the client has no roots capability. */
  readonly roots?: readonly string[];
}

/** Starts an emulator and the built server against it, with an MCP client that may share roots. */
export async function startMediaSession(options: MediaSessionOptions = {}): Promise<MediaSession> {
  assertFreshBuild();
  const emu = await startEmulator(options.emulator ?? {});
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, ...(options.args ?? [])],
    env: serverEnv({
      XAI_API_KEY: emu.context.config.apiKey,
      XAI_API_HOST: emu.url,
      XAI_MANAGEMENT_KEY: emu.context.config.managementKey,
      XAI_MANAGEMENT_API_HOST: emu.url,
      ...options.env,
    }),
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  let roots = options.roots ?? [];
  /** Told each time the server asks for the roots. */
  let onRootsListed: () => void = () => {};
  const client = new Client(
    { name: "xai-grpc-mcp-media-tests", version: "0.0.0" },
    { capabilities: options.roots ? { roots: { listChanged: true } } : {} },
  );
  if (options.roots) {
    client.setRequestHandler(ListRootsRequestSchema, async () => {
      setImmediate(onRootsListed);
      return { roots: roots.map((dir) => ({ uri: pathToFileURL(dir).href, name: dir })) };
    });
  }
  await client.connect(transport);
  const pid = transport.pid;
  if (pid === null) throw new Error("the server process has no pid");
  return {
    emu,
    client,
    pid,
    stderr: () => stderr,
    setRoots: async (dirs) => {
      roots = [...dirs];
      // Resolves once the server has asked for the new list (its next call waits for the answer).
      const listed = new Promise<void>((resolve) => {
        onRootsListed = resolve;
      });
      await client.sendRootsListChanged();
      await listed;
    },
    close: async () => {
      await client.close();
      await emu.close();
    },
  };
}

/** A fresh temporary directory (real path, symlinks resolved) and its removal. */
export async function tempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), prefix)));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
