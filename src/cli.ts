#!/usr/bin/env node
// First, so the collector settings apply before anything else allocates.
import "./heap-tuning.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { type Config, parseCommand, USAGE, UsageError } from "./config.js";
import { removeTemporaryFilesSync } from "./files/temp-registry.js";
import { parseEndpoint } from "./grpc/endpoint.js";
import type { XaiClient } from "./grpc/xai-client.js";
import { Logger } from "./log.js";
import { createMcpServer } from "./server.js";
import { InFlightCalls } from "./tools/in-flight.js";
import { lazyTools } from "./tools/tool-source.js";
import { PACKAGE_NAME, PACKAGE_VERSION } from "./version.js";

const logger = new Logger(process.env.XAI_MCP_LOG_LEVEL === "debug" ? "debug" : "info");

interface Emulated {
  readonly config: Config;
  readonly close: () => Promise<void>;
}

/** Starts the in-process emulator and points the configuration at it with its keys. */
async function withEmulator(config: Config): Promise<Emulated> {
  const { startEmulator } = await import("../emulator/index.js");
  const emu = await startEmulator();
  logger.info(`using the built-in xAI emulator at ${emu.address} (no key, no network)`);
  return {
    config: {
      ...config,
      apiHost: emu.url,
      managementHost: emu.url,
      apiKey: emu.context.config.apiKey,
      managementKey: emu.context.config.managementKey,
    },
    close: () => emu.close(),
  };
}

/** How long a shutdown may take at most, in ms. */
const SHUTDOWN_LIMIT_MS = 1500;

/** Resolves once what was written to stdout so far has been handed to the system. */
async function flushStdout(): Promise<void> {
  // The SDK sends an answer a few promise turns after its handler returned.
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise<void>((resolve) => {
    if (!process.stdout.writable) return resolve();
    process.stdout.write("", () => resolve());
  });
}

async function serve(initial: Config): Promise<void> {
  const emulated = initial.emulator ? await withEmulator(initial) : undefined;
  const config = emulated?.config ?? initial;
  if (!config.apiKey) {
    process.stderr.write(
      "xai-grpc-mcp: XAI_API_KEY is not set.\n" +
        "  Set it to your xAI API key (https://console.x.ai), or run `xai-grpc-mcp --emulator`\n" +
        "  to try every tool against the built-in emulator without a key.\n",
    );
    process.exit(2);
  }
  // A bad host is a startup error, but the client itself (grpc-js, protobuf) loads at the first
  // call: a start only has to answer initialize and tools/list.
  parseEndpoint(config.apiHost);
  parseEndpoint(config.managementHost);
  let client: Promise<XaiClient> | undefined;
  const clientConfig = {
    api: { host: config.apiHost, key: config.apiKey },
    management: { host: config.managementHost, key: config.managementKey },
    timeoutMs: config.timeoutMs,
  };
  const getClient = () =>
    (client ??= import("./grpc/xai-client.js").then(({ XaiClient }) => new XaiClient(clientConfig)));
  // The listing comes from the cache of a previous start when it can; the registry loads lazily.
  const tools = lazyTools(
    { management: config.managementKey !== undefined },
    { onStale: () => logger.debug("the cached tool listing was stale; replaced") },
  );
  const calls = new InFlightCalls();
  const server = createMcpServer({
    client: getClient,
    tools,
    logger,
    secrets: [config.apiKey, config.managementKey],
    allowedDirs: config.allowedDirs,
    inlineImageMaxBytes: config.inlineImageMaxBytes,
    heartbeatMs: config.heartbeatMs,
    mediaIdleTimeoutMs: config.mediaIdleTimeoutMs,
    calls,
  });

  let closing = false;
  const shutdown = async (why: string) => {
    if (closing) return;
    closing = true;
    logger.debug(`shutting down: ${why}`);
    // Whatever still hangs after this, the process ends (well within 2 s), leaving no temporary file.
    setTimeout(() => {
      removeTemporaryFilesSync();
      process.exit(0);
    }, SHUTDOWN_LIMIT_MS).unref();
    // Every call in flight is answered (an error saying the server is stopping) and cancelled,
    // gRPC call and transfers included; then what they were writing is removed.
    await calls.stop(why, SHUTDOWN_LIMIT_MS / 2);
    await flushStdout();
    removeTemporaryFilesSync();
    if (client) (await client).close();
    await Promise.allSettled([server.close(), emulated?.close()]);
    process.exit(0);
  };
  process.stdin.on("end", () => void shutdown("stdin closed"));
  process.stdin.on("close", () => void shutdown("stdin closed"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));

  await server.connect(new StdioServerTransport());
  logger.attach((level, message) => {
    void server.sendLoggingMessage({ level, logger: PACKAGE_NAME, data: message }).catch(() => {});
  });
  logger.debug(`serving; xAI at ${config.apiHost}`);
}

async function runEmulator(command: Extract<ReturnType<typeof parseCommand>, { kind: "emulator" }>) {
  const { startEmulator } = await import("../emulator/index.js");
  const { Faults } = await import("../emulator/faults.js");
  const emu = await startEmulator({
    port: command.port,
    ...(command.key !== undefined ? { apiKey: command.key } : {}),
    ...(command.managementKey !== undefined ? { managementKey: command.managementKey } : {}),
  });
  for (const text of command.faults) emu.context.faults.set(...Faults.parseFlag(text));
  process.stderr.write(
    `xAI emulator listening on ${emu.address}\n` +
      `  XAI_API_HOST=${emu.url} XAI_API_KEY=${emu.context.config.apiKey}\n` +
      `  XAI_MANAGEMENT_API_HOST=${emu.url} XAI_MANAGEMENT_KEY=${emu.context.config.managementKey}\n`,
  );
  const stop = async () => {
    await emu.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
}

async function main(): Promise<void> {
  const command = parseCommand(process.argv.slice(2), process.env);
  switch (command.kind) {
    case "help":
      process.stdout.write(`${USAGE}\n`);
      return;
    case "version":
      process.stdout.write(`${PACKAGE_NAME} ${PACKAGE_VERSION}\n`);
      return;
    case "emulator":
      return runEmulator(command);
    case "serve":
      return serve(command.config);
  }
}

process.on("unhandledRejection", (e) =>
  logger.error(`unhandled rejection: ${e instanceof Error ? e.message : String(e)}`),
);

main().catch((e: unknown) => {
  if (e instanceof UsageError) {
    process.stderr.write(`xai-grpc-mcp: ${e.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`xai-grpc-mcp: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
