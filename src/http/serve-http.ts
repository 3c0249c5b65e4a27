import type { Config } from "../config.js";
import { removeTemporaryFilesSync } from "../files/temp-registry.js";
import type { Logger } from "../log.js";
import { startHttpServer } from "./http-server.js";
import type { HttpOptions } from "./options.js";

/** How long a shutdown may take in all; the process exits by then whatever is left. */
const SHUTDOWN_MS = 2000;
/** Of which the running calls get this long to end and clean up (temporary files). */
const CALLS_GRACE_MS = 1400;

/**
 * Serves MCP over Streamable HTTP until SIGTERM/SIGINT, then shuts down gracefully: unanswered
 * calls are answered (an error saying the server is stopping) and cancelled, running calls clean up,
 * and the process exits within {@link SHUTDOWN_MS}.
 */
export async function serveHttp(
  config: Config,
  http: HttpOptions,
  context: { logger: Logger; onExit: () => Promise<unknown> },
): Promise<void> {
  const { logger } = context;
  const server = await startHttpServer(http, {
    logger,
    logLevel: config.logLevel,
    selection: config.selection,
    serverKeys: { apiKey: config.apiKey, managementKey: config.managementKey },
    apiHost: config.apiEndpoint,
    managementHost: config.managementEndpoint,
    timeoutMs: config.timeoutMs,
    allowedDirs: config.allowedDirs,
    inlineImageMaxBytes: config.inlineImageMaxBytes,
    heartbeatMs: config.heartbeatMs,
    mediaIdleTimeoutMs: config.mediaIdleTimeoutMs,
    maxMessageBytes: config.maxMessageBytes,
  });
  const notes = [
    http.token !== undefined ? "bearer token required" : "no token (loopback only)",
    http.clientKeys ? "clients send their own xAI keys" : "the server's xAI key",
    http.stateless
      ? "stateless"
      : `sessions, idle after ${http.sessionIdleMs / 1000} s, at most ${http.maxSessions}`,
  ];
  // A wildcard bind is not an address to paste; name the one that works on this machine too.
  if (http.listen.host === "0.0.0.0" || http.listen.host === "::") {
    notes.push(`on this machine: http://127.0.0.1:${server.port}/mcp`);
  }
  process.stderr.write(
    `xai-grpc-mcp: serving MCP over Streamable HTTP at ${server.url} (${notes.join("; ")})\n`,
  );

  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    const started = Date.now();
    setTimeout(() => {
      removeTemporaryFilesSync();
      process.exit(0);
    }, SHUTDOWN_MS - 100).unref();
    logger.debug(`shutting down: ${why}`);
    await server.close(why, started + CALLS_GRACE_MS).catch(() => {});
    // Whatever a call still had open once it was cancelled goes too.
    removeTemporaryFilesSync();
    await context.onExit().catch(() => {});
    logger.debug(`stopped in ${Date.now() - started} ms`);
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}
