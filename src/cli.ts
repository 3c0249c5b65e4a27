#!/usr/bin/env node
// First, before any other module loads and allocates: the collector settings must hold from the
// start (applied after the imports, the young generation has grown already: a start 6 MB larger
// and a 9 MB higher peak in the --emulator fuzz run).
import "./heap-tuning.js";
import { type Config, checkEnvironment, parseCommand, USAGE_EXIT_CODE, UsageError } from "./config.js";
import { removeTemporaryFilesSync } from "./files/temp-registry.js";
import { parseEndpoint } from "./grpc/endpoint.js";
import { trustHttp2Host } from "./grpc/header-guard.js";
import type { XaiClient } from "./grpc/xai-client.js";
import { Logger } from "./log.js";
import { Redactor, redactStream } from "./redaction.js";
import { createMcpServer } from "./server.js";
import { InFlightCalls } from "./tools/in-flight.js";
import { allToolNames } from "./tools/listing.js";
import { type ToolSelection, toolsetOf, unknownNames } from "./tools/selection.js";
import { prebuiltTools } from "./tools/tool-source.js";
import { StdioTransport } from "./transport/stdio-transport.js";
import { PACKAGE_NAME, PACKAGE_VERSION } from "./version.js";

// Replaced by the configured level once the command line is read.
let logger = new Logger("info");

interface Emulated {
  readonly config: Config;
  readonly close: () => Promise<void>;
}

/** Starts the in-process emulator and points the configuration at it with its keys. */
async function withEmulator(config: Config): Promise<Emulated> {
  const { startEmulator } = await import("../emulator/index.js");
  const emu = await startEmulator();
  trustHttp2Host(emu.address);
  logger.info(`using the built-in xAI emulator at ${emu.address} (no key, no network)`);
  return {
    config: {
      ...config,
      apiHost: emu.url,
      apiEndpoint: parseEndpoint(emu.url),
      managementHost: emu.url,
      managementEndpoint: parseEndpoint(emu.url),
      apiKey: emu.context.config.apiKey,
      managementKey: emu.context.config.managementKey,
    },
    close: () => emu.close(),
  };
}

/**
 * Refuses a selection that names unknown tools (listing the valid names) or collections tools
 * without a management key. Tool names come from the generated listing.
 */
async function checkSelection(selection: ToolSelection, management: boolean): Promise<void> {
  if (selection.tools.length > 0 || selection.excludeTools.length > 0) {
    const names = allToolNames();
    const unknown = unknownNames(selection, names).tools;
    if (unknown.length > 0) {
      throw new UsageError(
        `unknown tool ${unknown.map((u) => `"${u}"`).join(", ")} in --tools/--exclude-tools; valid tools: ${names.join(", ")}`,
      );
    }
  }
  const named = [
    ...(selection.toolsets === "all" ? [] : selection.toolsets),
    ...selection.tools.map(toolsetOf),
  ];
  if (!management && named.includes("collections")) {
    throw new UsageError(
      "the collections tools need a management key: set XAI_MANAGEMENT_KEY, or leave them out of --toolsets/--tools",
    );
  }
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

function missingKey(): never {
  process.stderr.write(
    "xai-grpc-mcp: XAI_API_KEY is not set.\n" +
      "  Set it to your xAI API key (https://console.x.ai), or run `xai-grpc-mcp --emulator`\n" +
      "  to try every tool against the built-in emulator without a key (with --http, or\n" +
      "  --http-client-keys so that each client sends its own).\n",
  );
  process.exit(USAGE_EXIT_CODE);
}

async function serve(initial: Config): Promise<void> {
  checkEnvironment(initial);
  // With --http-client-keys, clients may bring a management key of their own.
  await checkSelection(
    initial.selection,
    initial.emulator || initial.managementKey !== undefined || initial.http?.clientKeys === true,
  );
  const emulated = initial.emulator ? await withEmulator(initial) : undefined;
  const config = emulated?.config ?? initial;
  // From here on nothing written to stderr can carry a key (stdout is redacted by the server).
  redactStream(process.stderr, new Redactor([config.apiKey, config.managementKey]));
  if (config.http) {
    // Beside stdio: everything HTTP lives in src/http/, loaded only when asked for.
    const { serveHttp } = await import("./http/serve-http.js");
    if (!config.apiKey && !config.http.clientKeys) missingKey();
    return serveHttp(config, config.http, { logger, onExit: async () => emulated?.close() });
  }
  if (!config.apiKey) missingKey();
  // Hosts were parsed and checked with the configuration; the client itself (grpc-js, protobuf) loads at the
  // first call: a start only has to answer initialize and tools/list.
  let client: Promise<XaiClient> | undefined;
  const clientConfig = {
    api: { host: config.apiEndpoint, key: config.apiKey },
    management: { host: config.managementEndpoint, key: config.managementKey },
    timeoutMs: config.timeoutMs,
  };
  const getClient = () =>
    (client ??= import("./grpc/xai-client.js").then(({ XaiClient }) => new XaiClient(clientConfig)));
  // The listing is generated at build time and filtered by the selection; the registry loads once
  // it has been answered.
  const tools = prebuiltTools({
    management: config.managementKey !== undefined,
    selection: config.selection,
  });
  const calls = new InFlightCalls();
  const server = createMcpServer({
    client: getClient,
    tools,
    logger,
    secrets: [config.apiKey, config.managementKey],
    allowedDirs: config.allowedDirs,
    inlineImageMaxBytes: config.inlineImageMaxBytes,
    heartbeatMs: config.heartbeatMs,
    pollIntervalMs: config.pollIntervalMs,
    retryBackoffMs: config.retryBackoffMs,
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

  await server.connect(
    new StdioTransport(process.stdin, process.stdout, { maxMessageBytes: config.maxMessageBytes }),
  );
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
  if (command.kind === "serve") logger = new Logger(command.config.logLevel);
  switch (command.kind) {
    case "help":
      process.stdout.write(`${command.text}\n`);
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
    process.exit(USAGE_EXIT_CODE);
  }
  process.stderr.write(`xai-grpc-mcp: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
