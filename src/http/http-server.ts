import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Endpoint } from "../grpc/endpoint.js";
import type { Logger, LogLevel } from "../log.js";
import type { ToolSelection } from "../tools/selection.js";
import type { ToolSource } from "../tools/tool-source.js";
import { prebuiltTools } from "../tools/tool-source.js";
import { PACKAGE_NAME, PACKAGE_VERSION } from "../version.js";
import { AccessPolicy } from "./access.js";
import { readJsonBody } from "./body.js";
import { ClientPool, keysFingerprint, type SessionKeys } from "./client-pool.js";
import { hostPort } from "./listen.js";
import type { HttpOptions } from "./options.js";
import { HttpSession } from "./session.js";

/** What the HTTP server serves with, besides its own options. */
export interface HttpServerDeps {
  readonly logger: Logger;
  readonly logLevel: LogLevel;
  /** Which tools are offered (`--toolsets`, `--tools`, `--exclude-tools`, `--read-only`). */
  readonly selection: ToolSelection;
  /** The server's own keys, used unless clients bring theirs (`--http-client-keys`). */
  readonly serverKeys: SessionKeys;
  /** Parsed once, at start-up (or a host to parse). */
  readonly apiHost: string | Endpoint;
  readonly managementHost: string | Endpoint;
  readonly timeoutMs: number;
  readonly allowedDirs: readonly string[];
  readonly inlineImageMaxBytes: number;
  readonly heartbeatMs: number;
  readonly mediaIdleTimeoutMs: number;
  /** Largest request body (a JSON-RPC message), as `--max-message-bytes` sets it for stdio too. */
  readonly maxMessageBytes: number;
}

/** A listening server. */
export interface RunningHttpServer {
  /** `http://HOST:PORT/mcp`, with the port actually bound. */
  readonly url: string;
  readonly port: number;
  /** Sessions open now. */
  sessionCount(): number;
  /**
   * Stops: no new connections, every unanswered request answered with an error saying the server
   * is stopping (`why`; tool calls as error results) and cancelled, running calls given until
   * `deadline` to clean up, then closed.
   */
  close(why: string, deadline: number): Promise<void>;
}

const API_KEY_HEADER = "x-xai-api-key";
const MANAGEMENT_KEY_HEADER = "x-xai-management-key";
const SESSION_HEADER = "mcp-session-id";

/** The CORS headers an allowed browser origin needs to call (the SDK's client sends all of these). */
const CORS_ALLOW_HEADERS = [
  "authorization",
  "content-type",
  "accept",
  "last-event-id",
  SESSION_HEADER,
  "mcp-protocol-version",
  API_KEY_HEADER,
  MANAGEMENT_KEY_HEADER,
].join(", ");

/** A JSON-RPC error as a whole HTTP answer (for refusals the MCP transport never sees). */
function refuse(
  res: ServerResponse,
  status: number,
  message: string,
  options: { code?: number; id?: unknown; headers?: Record<string, string> } = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = JSON.stringify({
    jsonrpc: "2.0",
    error: { code: options.code ?? -32000, message },
    id: options.id ?? null,
  });
  res.writeHead(status, { "content-type": "application/json", ...options.headers });
  res.end(body);
}

/** The ids of the requests in a parsed body, to answer each when refusing it. */
function requestIds(body: unknown): unknown[] {
  const messages = (Array.isArray(body) ? body : [body]) as Record<string, unknown>[];
  return messages.filter((m) => m && typeof m === "object" && "method" in m && "id" in m).map((m) => m.id);
}

function isInitialize(body: unknown): boolean {
  const messages = (Array.isArray(body) ? body : [body]) as Record<string, unknown>[];
  return messages.some((m) => m && typeof m === "object" && m.method === "initialize");
}

function countCalls(body: unknown): number {
  const messages = (Array.isArray(body) ? body : [body]) as Record<string, unknown>[];
  return messages.filter((m) => m && typeof m === "object" && m.method === "tools/call").length;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text?.trim() || undefined;
}

/**
 * Serves MCP over Streamable HTTP at `/mcp` (and `GET /healthz`) on node:http, one
 * `createMcpServer` per session (or per request with `stateless`).
 */
export async function startHttpServer(
  options: HttpOptions,
  deps: HttpServerDeps,
): Promise<RunningHttpServer> {
  const access = new AccessPolicy({
    token: options.token,
    allowOrigins: options.allowOrigins,
    allowHosts: options.allowHosts,
    bindHost: options.listen.host,
  });
  const pool = new ClientPool({
    apiHost: deps.apiHost,
    managementHost: deps.managementHost,
    timeoutMs: deps.timeoutMs,
  });
  // The collections tools are listed to sessions that have a management key.
  const toolSources = new Map<boolean, ToolSource>();
  const toolsFor = (management: boolean): ToolSource => {
    let source = toolSources.get(management);
    if (!source) {
      // As over stdio: the generated listing, filtered.
      source = prebuiltTools({ management, selection: deps.selection });
      toolSources.set(management, source);
    }
    return source;
  };
  const sessions = new Map<string, HttpSession>();
  /** Sessions being made (initialize not answered yet) count against the cap too. */
  let opening = 0;
  /** Per-request sessions of a stateless server, for shutdown. */
  const transient = new Set<HttpSession>();
  let closing = false;

  const openSession = (keys: SessionKeys): Promise<HttpSession> => {
    const { client, release } = pool.acquire(keys);
    return HttpSession.open({
      stateless: options.stateless,
      tools: toolsFor(keys.managementKey !== undefined),
      client,
      release,
      keysId: keysFingerprint(keys),
      secrets: [keys.apiKey, keys.managementKey, deps.serverKeys.apiKey, deps.serverKeys.managementKey],
      logLevel: deps.logLevel,
      allowedDirs: deps.allowedDirs,
      inlineImageMaxBytes: deps.inlineImageMaxBytes,
      heartbeatMs: deps.heartbeatMs,
      mediaIdleTimeoutMs: deps.mediaIdleTimeoutMs,
      onopen: (s) => {
        if (s.id) sessions.set(s.id, s);
        deps.logger.debug(`session ${s.id} opened (${sessions.size} open)`);
      },
      onclose: (s) => {
        if (s.id && sessions.get(s.id) === s) {
          sessions.delete(s.id);
          deps.logger.debug(`session ${s.id} closed (${sessions.size} open)`);
        }
        transient.delete(s);
      },
    });
  };

  let warnedKeys = false;
  const keysOf = (req: IncomingMessage): SessionKeys | undefined => {
    if (!options.clientKeys) {
      if (!warnedKeys && header(req, API_KEY_HEADER) !== undefined) {
        warnedKeys = true;
        deps.logger.warn(
          "a client sent X-Xai-Api-Key, but this server calls xAI with its own key; start it with " +
            "--http-client-keys to use each client's",
        );
      }
      return deps.serverKeys;
    }
    const apiKey = header(req, API_KEY_HEADER);
    if (!apiKey) return undefined;
    return { apiKey, managementKey: header(req, MANAGEMENT_KEY_HEADER) };
  };

  const handleMcp = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const keys = keysOf(req);
    if (!keys) {
      refuse(
        res,
        401,
        `this server uses each client's own xAI key: send the header X-Xai-Api-Key: <your xAI API key> ` +
          "(and X-Xai-Management-Key for the collections tools)",
      );
      return;
    }
    const method = req.method ?? "GET";
    if (method !== "POST" && method !== "GET" && method !== "DELETE") {
      refuse(res, 405, `${method} is not served at /mcp; use POST (and GET, DELETE with sessions)`, {
        headers: { allow: options.stateless ? "POST" : "GET, POST, DELETE" },
      });
      return;
    }
    if (options.stateless && method !== "POST") {
      // No sessions: no stream of server-initiated messages to open, nothing to delete.
      refuse(res, 405, `${method} /mcp needs sessions, and this server is --stateless; use POST`, {
        headers: { allow: "POST" },
      });
      return;
    }
    let body: unknown;
    if (method === "POST") {
      const read = await readJsonBody(req, deps.maxMessageBytes);
      if ("problem" in read) {
        if (!res.headersSent) {
          res.writeHead(read.problem.status, { "content-type": "application/json", connection: "close" });
        }
        res.end(JSON.stringify(read.problem.error));
        return;
      }
      body = read.value;
    }

    if (options.stateless) {
      const session = await openSession(keys);
      transient.add(session);
      res.once("close", () => void session.close());
      await session.handle(req, res, body);
      return;
    }

    const id = header(req, SESSION_HEADER);
    if (id === undefined) {
      if (method !== "POST" || !isInitialize(body)) {
        refuse(res, 400, "no Mcp-Session-Id header: start a session with initialize first", {
          id: requestIds(body)[0] ?? null,
        });
        return;
      }
      if (sessions.size + opening >= options.maxSessions) {
        refuse(
          res,
          503,
          `this server has ${options.maxSessions} sessions open, its limit (--http-max-sessions); ` +
            "close an unused client or try again later",
          { id: requestIds(body)[0] ?? null, headers: { "retry-after": "30" } },
        );
        return;
      }
      opening += 1;
      let session: HttpSession;
      try {
        session = await openSession(keys);
        await session.handle(req, res, body);
      } finally {
        opening -= 1;
      }
      // An initialize that failed leaves a session without an id, which nobody can reach: close it.
      if (!session.id) await session.close();
      return;
    }
    const session = sessions.get(id);
    if (!session) {
      refuse(
        res,
        404,
        `session ${id} is not open here (closed, idle too long, or unknown): initialize again`,
        {
          id: requestIds(body)[0] ?? null,
        },
      );
      return;
    }
    if (session.keysId !== keysFingerprint(keys)) {
      refuse(res, 403, "this session was opened with other xAI keys; open a session of your own", {
        id: requestIds(body)[0] ?? null,
      });
      return;
    }
    const calls = countCalls(body);
    if (calls > 0 && session.pendingCalls + calls > options.maxSessionCalls) {
      const ids = requestIds(body);
      refuse(
        res,
        429,
        `this session already has ${session.pendingCalls} tool calls running, its limit ` +
          `(--http-max-session-calls ${options.maxSessionCalls}); wait for one to finish, or use another session`,
        { id: ids[0] ?? null, headers: { "retry-after": "1" } },
      );
      return;
    }
    await session.handle(req, res, body);
  };

  const corsHeaders = (req: IncomingMessage): Record<string, string> => {
    const origin = req.headers.origin;
    // Only allowed origins get here (AccessPolicy refuses the others).
    return origin
      ? {
          "access-control-allow-origin": origin,
          "access-control-expose-headers": SESSION_HEADER,
          vary: "Origin",
        }
      : {};
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? "/").split("?")[0];
    const preflight = req.method === "OPTIONS";
    const refusal = access.check(req, path !== "/healthz" && !preflight);
    if (refusal) {
      refuse(res, refusal.status, refusal.message, {
        code: -32001,
        headers: refusal.status === 401 ? { "www-authenticate": `Bearer realm="${PACKAGE_NAME}"` } : {},
      });
      return;
    }
    for (const [name, value] of Object.entries(corsHeaders(req))) res.setHeader(name, value);
    if (preflight) {
      res.writeHead(204, {
        "access-control-allow-methods": "GET, POST, DELETE",
        "access-control-allow-headers": CORS_ALLOW_HEADERS,
        "access-control-max-age": "600",
      });
      res.end();
      return;
    }
    if (path === "/healthz") {
      if (req.method !== "GET" && req.method !== "HEAD") {
        refuse(res, 405, "GET /healthz", { headers: { allow: "GET, HEAD" } });
        return;
      }
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(
        req.method === "HEAD"
          ? undefined
          : JSON.stringify({
              status: "ok",
              name: PACKAGE_NAME,
              version: PACKAGE_VERSION,
              ...(options.stateless ? {} : { sessions: sessions.size }),
            }),
      );
      return;
    }
    if (path !== "/mcp") {
      refuse(res, 404, `nothing at ${path}: MCP is served at /mcp`);
      return;
    }
    if (closing) {
      refuse(res, 503, "the server is stopping; try again later or on another instance", {
        headers: { connection: "close" },
      });
      return;
    }
    handleMcp(req, res).catch((e: unknown) => {
      deps.logger.error(`HTTP request failed: ${e instanceof Error ? e.message : String(e)}`);
      refuse(res, 500, "the server could not handle this request");
    });
  };

  // node's requestTimeout bounds receiving a request (a dripping body), not the SSE answers.
  const http: Server = createServer(onRequest);
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(options.listen.port, options.listen.host, () => {
      http.off("error", reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  access.bound(port);

  const sweep = setInterval(
    () => {
      const now = Date.now();
      for (const session of sessions.values()) {
        if (session.idle(now, options.sessionIdleMs)) {
          deps.logger.debug(`session ${session.id} idle for ${options.sessionIdleMs / 1000} s; closing it`);
          void session.close();
        }
      }
    },
    Math.min(Math.max(options.sessionIdleMs / 4, 250), 60_000),
  ).unref();

  return {
    url: `http://${hostPort(options.listen.host, port)}/mcp`,
    port,
    sessionCount: () => sessions.size,
    close: async (why, deadline) => {
      if (closing) return;
      closing = true;
      clearInterval(sweep);
      http.close();
      await Promise.allSettled([...sessions.values(), ...transient].map((s) => s.stop(why, deadline)));
      http.closeAllConnections();
      await pool.close();
    },
  };
}
