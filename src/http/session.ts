import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { JSONRPCMessage, RequestId } from "@modelcontextprotocol/sdk/types.js";
import type { XaiClient } from "../grpc/xai-client.js";
import { Logger, type LogLevel } from "../log.js";
import { Redactor } from "../redaction.js";
import { createMcpServer } from "../server.js";
import { InFlightCalls } from "../tools/in-flight.js";
import type { ToolSource } from "../tools/tool-source.js";
import { PACKAGE_NAME } from "../version.js";

/** What one session is made of; the HTTP server decides it per session (keys, tools). */
export interface SessionSetup {
  readonly stateless: boolean;
  readonly tools: ToolSource;
  readonly client: () => Promise<XaiClient>;
  /** Let go of the client (the session is closed). */
  readonly release: () => void;
  /** The fingerprint of the keys the session calls with; its requests must bring the same. */
  readonly keysId: string;
  /** Values never to appear in a result: this session's keys and the server's. */
  readonly secrets: readonly (string | undefined)[];
  readonly logLevel: LogLevel;
  readonly allowedDirs: readonly string[];
  readonly inlineImageMaxBytes: number;
  readonly heartbeatMs: number;
  readonly mediaIdleTimeoutMs: number;
  /** Told once the session has its id (stateful sessions, after `initialize`). */
  readonly onopen?: (session: HttpSession) => void;
  /** Told once the session is closed, whatever closed it. */
  readonly onclose?: (session: HttpSession) => void;
}

type Message = Record<string, unknown>;

const isRequest = (m: Message): boolean =>
  typeof m.method === "string" && (typeof m.id === "string" || typeof m.id === "number");
const isResponse = (m: object): m is { id: RequestId } =>
  "id" in m && !("method" in m) && ("result" in m || "error" in m);

/**
 * A session's logger: its lines are redacted of the session's own keys too (stderr knows only the
 * server's), whether they go to stderr or to the session's client.
 */
class SessionLogger extends Logger {
  constructor(
    level: LogLevel,
    private readonly redactor: Redactor,
  ) {
    super(level);
  }

  override log(level: LogLevel, message: string): void {
    super.log(level, this.redactor.text(message));
  }
}

/** Messages kept for the client's GET stream while it has none open (logging, roots requests). */
const MAX_QUEUED = 64;

/**
 * One MCP session over Streamable HTTP: a server of its own (`createMcpServer`), the SDK's transport,
 * and what the HTTP side needs to keep it honest: the requests still unanswered (for the per-session
 * call cap, for cancelling what a disconnected client asked, and for answering at shutdown), the tool
 * calls still running (shutdown waits for them to clean up), and server-to-client messages held
 * until the client opens its GET stream (the SDK drops them otherwise).
 */
export class HttpSession {
  readonly transport: StreamableHTTPServerTransport;
  readonly server: Server;
  readonly keysId: string;
  /** When the last request arrived or the last answer left, in ms since epoch. */
  lastActive = Date.now();
  readonly #setup: SessionSetup;
  readonly #pending = new Map<RequestId, { method: string; res: ServerResponse }>();
  readonly #calls = new Set<Promise<unknown>>();
  /** The tool calls as the server runs them, for a shutdown that answers each (see InFlightCalls). */
  readonly #inFlight = new InFlightCalls();
  readonly #queued: { message: JSONRPCMessage }[] = [];
  #stream: ServerResponse | undefined;
  #closed = false;
  /** The transport's send as the server left it once connected (with whatever it wraps it in). */
  #send!: StreamableHTTPServerTransport["send"];

  private constructor(setup: SessionSetup) {
    this.#setup = setup;
    this.keysId = setup.keysId;
    this.transport = new StreamableHTTPServerTransport({
      ...(setup.stateless
        ? {}
        : {
            sessionIdGenerator: () => randomUUID(),
            onsessioninitialized: () => setup.onopen?.(this),
          }),
    });
    const logger = new SessionLogger(setup.logLevel, new Redactor(setup.secrets));
    this.server = createMcpServer({
      client: setup.client,
      tools: this.#tracked(setup.tools),
      logger,
      secrets: setup.secrets,
      allowedDirs: setup.allowedDirs,
      inlineImageMaxBytes: setup.inlineImageMaxBytes,
      heartbeatMs: setup.heartbeatMs,
      mediaIdleTimeoutMs: setup.mediaIdleTimeoutMs,
      calls: this.#inFlight,
    });
    // Logs of this session's calls go to this session's client only (they name its files).
    if (!setup.stateless) {
      logger.attach((level, data) => {
        void this.server
          .sendLoggingMessage({ level, logger: PACKAGE_NAME, data }, this.transport.sessionId)
          .catch(() => {});
      });
    }
    this.server.onclose = () => this.#onclosed();
  }

  /** Makes a session and connects its server to its transport. */
  static async open(setup: SessionSetup): Promise<HttpSession> {
    const session = new HttpSession(setup);
    await session.server.connect(session.transport);
    // After connect: the server has set its handlers (and any wrapping of send, e.g. redaction);
    // the HTTP side watches what goes out through that, and sends its own answers through it too.
    session.#send = session.transport.send.bind(session.transport);
    session.transport.send = (message, options) => session.#sendWatched(message, options);
    return session;
  }

  get id(): string | undefined {
    return this.transport.sessionId;
  }

  /** Tool calls and other requests of this session not answered yet. */
  get pendingCalls(): number {
    let n = 0;
    for (const p of this.#pending.values()) if (p.method === "tools/call") n++;
    return n;
  }

  /** True when nothing is running and nothing arrived for `idleMs`. */
  idle(now: number, idleMs: number): boolean {
    return this.#pending.size === 0 && this.#calls.size === 0 && now - this.lastActive >= idleMs;
  }

  /**
   * Hands a request to the transport. `body` is the parsed POST body (undefined for GET/DELETE).
   * Requests of a POST whose connection goes away before they are answered are cancelled, so that
   * their xAI calls end too.
   */
  async handle(req: IncomingMessage, res: ServerResponse, body?: unknown): Promise<void> {
    this.lastActive = Date.now();
    if (req.method === "GET") this.#watchStream(res);
    const asked: RequestId[] = [];
    if (body !== undefined) {
      for (const m of (Array.isArray(body) ? body : [body]) as Message[]) {
        if (typeof m !== "object" || m === null) continue;
        if (isRequest(m)) {
          this.#pending.set(m.id as RequestId, { method: m.method as string, res });
          asked.push(m.id as RequestId);
        } else if (m.method === "notifications/cancelled") {
          const id = (m.params as { requestId?: RequestId } | undefined)?.requestId;
          if (id !== undefined) this.#pending.delete(id);
        }
      }
    }
    if (asked.length > 0) {
      res.once("close", () => {
        for (const id of asked) {
          if (this.#pending.delete(id)) this.#cancel(id, "the HTTP client disconnected");
        }
      });
    }
    await this.transport.handleRequest(req, res, body);
  }

  /**
   * Ends the session for a shutdown: every tool call in flight is answered at once with an error
   * saying the server is stopping and cancelled, its xAI call with it (`InFlightCalls`); any other
   * unanswered request gets a JSON-RPC error saying so. Then the calls get until `deadline` to clean
   * up (temporary files) and the answers to be written, and the session closes.
   */
  async stop(why: string, deadline: number): Promise<void> {
    const streams = new Set<ServerResponse>();
    for (const { res } of this.#pending.values()) streams.add(res);
    const stopped = this.#inFlight.stop(why, Math.max(0, deadline - Date.now()));
    for (const [id, { method }] of [...this.#pending]) {
      // Tool calls not begun yet are answered by InFlightCalls as they begin.
      if (method === "tools/call") continue;
      this.#pending.delete(id);
      this.#cancel(id, why);
      await this.#send(
        {
          jsonrpc: "2.0",
          id,
          error: { code: -32000, message: `the server is stopping (${why}); send the request again later` },
        },
        { relatedRequestId: id },
      ).catch(() => {});
    }
    // The answers are written once their streams end; the calls clean up meanwhile.
    const ended = (res: ServerResponse) =>
      res.writableFinished || res.destroyed ? Promise.resolve() : new Promise((r) => res.once("close", r));
    const left = Math.max(0, deadline - Date.now());
    await Promise.race([
      Promise.allSettled([stopped, ...this.#calls, ...[...streams].map(ended)]),
      new Promise((r) => setTimeout(r, left).unref()),
    ]);
    await this.close();
  }

  /** Closes the session: running calls are cancelled, the client let go. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.server.close().catch(() => {});
    this.#onclosed();
  }

  #onclosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#setup.release();
    this.#setup.onclose?.(this);
  }

  /** Cancels a request as the client would have, so the tool's signal fires and its xAI call ends. */
  #cancel(id: RequestId, reason: string): void {
    this.transport.onmessage?.({
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId: id, reason },
    });
  }

  #sendWatched(
    message: JSONRPCMessage,
    options?: Parameters<StreamableHTTPServerTransport["send"]>[1],
  ): Promise<void> {
    if (isResponse(message)) {
      this.#pending.delete(message.id);
      this.lastActive = Date.now();
    } else if (!this.#setup.stateless && options?.relatedRequestId === undefined && !this.#stream) {
      this.#queued.push({ message });
      if (this.#queued.length > MAX_QUEUED) this.#queued.shift();
      return Promise.resolve();
    }
    return this.#send(message, options);
  }

  /** Notes the client's GET stream once the transport has answered it, and sends what waited for it. */
  #watchStream(res: ServerResponse): void {
    const writeHead = res.writeHead;
    res.writeHead = ((...args: Parameters<ServerResponse["writeHead"]>) => {
      const out = writeHead.apply(res, args);
      if (args[0] === 200) {
        this.#stream = res;
        queueMicrotask(() => this.#flush());
      }
      return out;
    }) as ServerResponse["writeHead"];
    res.once("close", () => {
      if (this.#stream === res) this.#stream = undefined;
    });
  }

  #flush(): void {
    while (this.#stream && this.#queued.length > 0) {
      const { message } = this.#queued.shift() as { message: JSONRPCMessage };
      void this.#send(message).catch(() => {});
    }
  }

  /** The tool source with every call counted while it runs (shutdown waits for them). */
  #tracked(source: ToolSource): ToolSource {
    return {
      listing: () => source.listing(),
      definition: async (name) => {
        const definition = await source.definition(name);
        if (!definition) return undefined;
        return {
          ...definition,
          call: (args, ctx) => {
            const running = definition.call(args, ctx);
            this.#calls.add(running);
            void running.finally(() => this.#calls.delete(running)).catch(() => {});
            return running;
          },
        };
      },
    };
  }
}
