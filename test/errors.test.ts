import { createServer } from "node:net";
import { status } from "@grpc/grpc-js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { UNARY_CALLS } from "./fixtures/unary-calls.js";
import {
  callTool,
  firstText,
  isAlive,
  type McpSession,
  type RawServer,
  type ServerEnv,
  spawnRaw,
  startMcpServer,
} from "./support/mcp-client.js";
import { RecordingServer } from "./support/recording-server.js";

const API_KEY = "xai-test-api-key-9Tn2Vb6Qs";
const MANAGEMENT_KEY = "xai-test-management-key-3Jc8Rx";
const WRONG_API_KEY = "xai-wrong-api-key-5Gy1Mz0Pe";
const WRONG_MANAGEMENT_KEY = "xai-wrong-management-key-2Kf7Ud";
const ALL_KEYS = [API_KEY, MANAGEMENT_KEY, WRONG_API_KEY, WRONG_MANAGEMENT_KEY];

const GET_MODEL = "/xai_api.Models/GetLanguageModel";
const COMPLETION = "/xai_api.Chat/GetCompletion";
const LIST_COLLECTIONS = "/collections.Collections/ListCollections";

/** A port on 127.0.0.1 with nothing listening on it. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Asserts that no key appears in `text`. */
function expectNoKey(text: string): void {
  for (const key of ALL_KEYS) expect(text).not.toContain(key);
}

const chatArgs = (extra: Record<string, unknown> = {}) => ({
  model: "grok-4",
  messages: [
    { role: "ROLE_SYSTEM", content: [{ text: "Be brief." }] },
    { role: "ROLE_USER", content: [{ text: "Hi" }] },
  ],
  ...extra,
});

describe("failures over stdio", () => {
  let server: RecordingServer;
  let good: McpSession;
  let wrongKeys: McpSession;

  beforeAll(async () => {
    server = await RecordingServer.start({ apiKey: API_KEY, managementKey: MANAGEMENT_KEY });
    for (const c of UNARY_CALLS) server.respond(c.path, c.response);
    const hosts = { XAI_API_HOST: server.url, XAI_MANAGEMENT_API_HOST: server.url };
    [good, wrongKeys] = await Promise.all([
      startMcpServer({ ...hosts, XAI_API_KEY: API_KEY, XAI_MANAGEMENT_KEY: MANAGEMENT_KEY }),
      startMcpServer({ ...hosts, XAI_API_KEY: WRONG_API_KEY, XAI_MANAGEMENT_KEY: WRONG_MANAGEMENT_KEY }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([good?.close(), wrongKeys?.close()]);
    await server?.close();
  });

  beforeEach(() => server.reset());

  describe("a refused key", () => {
    it("is an isError result naming UNAUTHENTICATED, with no key in the result or the logs", async () => {
      const result = await callTool(wrongKeys.client, "models_get_language_model", { name: "grok-4" });

      expect(result.isError).toBe(true);
      expect(firstText(result)).toContain("UNAUTHENTICATED");
      expect(server.calls.map((c) => [c.path, c.authenticated])).toStrictEqual([[GET_MODEL, false]]);
      expectNoKey(JSON.stringify(result));
      expectNoKey(wrongKeys.stderr());
    });

    it("is the same for a Collections tool and the management key", async () => {
      const result = await callTool(wrongKeys.client, "collections_list_collections", { limit: 5 });

      expect(result.isError).toBe(true);
      expect(firstText(result)).toContain("UNAUTHENTICATED");
      expect(server.calls.map((c) => [c.path, c.authenticated])).toStrictEqual([[LIST_COLLECTIONS, false]]);
      expectNoKey(JSON.stringify(result));
      expectNoKey(wrongKeys.stderr());
    });

    describe("when the server quotes the key in its message", () => {
      const quoteKey = () =>
        server.fail(GET_MODEL, status.PERMISSION_DENIED, `key ${API_KEY} may not use grok-4-heavy`);

      it("keeps it out of the text and the logs", async () => {
        quoteKey();
        const result = await callTool(good.client, "models_get_language_model", { name: "grok-4-heavy" });

        expect(result.isError).toBe(true);
        expect(firstText(result)).toContain("PERMISSION_DENIED");
        expect(firstText(result)).toContain("may not use grok-4-heavy");
        expectNoKey(JSON.stringify(result.content));
        expectNoKey(good.stderr());
      });

      // Known defect: the server redacts the text blocks of an error result but not its
      // structuredContent, whose error.message is the server's message verbatim. Turn this into a
      // plain `it` once the whole result is redacted.
      it("keeps it out of structuredContent", async () => {
        quoteKey();
        const result = await callTool(good.client, "models_get_language_model", { name: "grok-4-heavy" });

        expect(result.isError).toBe(true);
        expectNoKey(JSON.stringify(result.structuredContent));
      });
    });
  });

  describe("invalid arguments", () => {
    const cases: { problem: string; args: Record<string, unknown>; paths: string[] }[] = [
      { problem: "an unknown field", args: chatArgs({ temprature: 0.5 }), paths: ["temprature"] },
      {
        problem: "a wrong enum name",
        args: chatArgs({ messages: [{ role: "ROLE_HUMAN", content: [{ text: "Hi" }] }] }),
        paths: ["messages[0].role"],
      },
      {
        problem: "a wrong type in a nested message",
        args: chatArgs({ search_parameters: { mode: "ON_SEARCH_MODE", max_search_results: "five" } }),
        paths: ["search_parameters.max_search_results"],
      },
      {
        problem: "two members of one oneof",
        args: chatArgs({ tools: [{ function: { name: "get_weather" }, web_search: {} }] }),
        paths: ["tools[0]", "function", "web_search"],
      },
      {
        problem: "all of these at once",
        args: chatArgs({
          temprature: 0.5,
          messages: [{ role: "ROLE_HUMAN", content: [{ text: "Hi" }] }],
          search_parameters: { max_search_results: "five" },
          tools: [{ function: { name: "get_weather" }, web_search: {} }],
        }),
        paths: ["temprature", "messages[0].role", "search_parameters.max_search_results", "tools[0]"],
      },
    ];

    it.each(cases)("$problem: isError naming each field, nothing sent", async ({ args, paths }) => {
      const result = await callTool(good.client, "chat_get_completion", args);

      expect(result.isError).toBe(true);
      const text = firstText(result);
      for (const path of paths) expect(text).toContain(path);
      expect(server.calls).toStrictEqual([]);
    });
  });

  describe("a server error status", () => {
    it("NOT_FOUND names the status and the server's message", async () => {
      server.fail(GET_MODEL, status.NOT_FOUND, "model grok-9 does not exist", (r) => r.name === "grok-9");
      const missing = await callTool(good.client, "models_get_language_model", { name: "grok-9" });
      const present = await callTool(good.client, "models_get_language_model", { name: "grok-4" });

      expect(missing.isError).toBe(true);
      expect(firstText(missing)).toContain("NOT_FOUND");
      expect(firstText(missing)).toContain("model grok-9 does not exist");
      expect(present.isError ?? false).toBe(false);
      expect(server.callsTo(GET_MODEL).map((c) => c.json)).toStrictEqual([
        { name: "grok-9" },
        { name: "grok-4" },
      ]);
    });

    it("RESOURCE_EXHAUSTED names the status and the message, and is not retried", async () => {
      const message = "team rate limit reached: 60 requests per minute; retry after 12s";
      server.fail(COMPLETION, status.RESOURCE_EXHAUSTED, message);
      const result = await callTool(good.client, "chat_get_completion", chatArgs());

      expect(result.isError).toBe(true);
      expect(firstText(result)).toContain("RESOURCE_EXHAUSTED");
      expect(firstText(result)).toContain(message);
      expect(server.callsTo(COMPLETION)).toHaveLength(1);
    });

    it("UNAVAILABLE is retried up to 5 attempts, then named", async () => {
      server.fail(COMPLETION, status.UNAVAILABLE, "upstream overloaded");
      const result = await callTool(good.client, "chat_get_completion", chatArgs());

      expect(result.isError).toBe(true);
      expect(firstText(result)).toContain("UNAVAILABLE");
      expect(firstText(result)).toContain("upstream overloaded");
      expect(server.callsTo(COMPLETION)).toHaveLength(5);
    });
  });

  it("an unreachable host is an isError result naming UNAVAILABLE", async () => {
    const port = await closedPort();
    const nowhere = await startMcpServer({ XAI_API_KEY: API_KEY, XAI_API_HOST: `http://127.0.0.1:${port}` });
    try {
      const result = await callTool(nowhere.client, "models_get_language_model", { name: "grok-4" });

      expect(result.isError).toBe(true);
      expect(firstText(result)).toContain("UNAVAILABLE");
      expect(firstText(result)).toContain("ECONNREFUSED");
      expect(isAlive(nowhere.pid)).toBe(true);
      expectNoKey(JSON.stringify(result) + nowhere.stderr());
    } finally {
      await nowhere.close();
    }
  });

  it("an unknown tool is a JSON-RPC error, not a crash", async () => {
    const call = callTool(good.client, "chat_get_completions", chatArgs());

    await expect(call).rejects.toBeInstanceOf(McpError);
    await expect(call).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
    await expect(call).rejects.toThrow("chat_get_completions");
    // The client adds "MCP error -32602: " once; the server's own message must not carry it too.
    const message = await call.catch((e: Error) => e.message);
    expect(message).toBe(
      'MCP error -32602: unknown tool "chat_get_completions"; call tools/list for the available tools',
    );
  });

  it("leaves both servers alive and answering after all of these", async () => {
    expect(isAlive(good.pid)).toBe(true);
    expect(isAlive(wrongKeys.pid)).toBe(true);
    const result = await callTool(good.client, "models_get_language_model", { name: "grok-4" });
    expect(result.isError ?? false).toBe(false);
    expect((await wrongKeys.client.listTools()).tools).toHaveLength(51);
  });
});

describe("stdout and process lifetime", () => {
  let server: RecordingServer;
  let env: ServerEnv;

  beforeAll(async () => {
    server = await RecordingServer.start({ apiKey: API_KEY, managementKey: MANAGEMENT_KEY });
    for (const c of UNARY_CALLS) server.respond(c.path, c.response);
    env = { XAI_API_KEY: API_KEY, XAI_API_HOST: server.url };
  });

  afterAll(async () => {
    await server?.close();
  });

  /** Sends initialize and waits for its answer, so that the server has installed its handlers. */
  async function initialized(raw: RawServer): Promise<void> {
    raw.send({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "0" } },
    });
    await raw.response(1);
    raw.send({ jsonrpc: "2.0", method: "notifications/initialized" });
  }

  it("writes only JSON-RPC 2.0 lines on stdout, and exits 0 when stdin closes", async () => {
    const raw = spawnRaw(env);
    try {
      await initialized(raw);
      raw.send({ jsonrpc: "2.0", id: 2, method: "tools/list" });
      raw.send({
        jsonrpc: "2.0",
        id: 3,
        method: "tools/call",
        params: { name: "models_get_language_model", arguments: { name: "grok-4" } },
      });
      raw.send({
        jsonrpc: "2.0",
        id: 4,
        method: "tools/call",
        params: { name: "models_get_language_model", arguments: { name: 4 } },
      });
      const [list, call, bad] = await Promise.all([raw.response(2), raw.response(3), raw.response(4)]);
      expect((list.result as { tools: unknown[] }).tools).toHaveLength(38);
      expect(call.result).toMatchObject({ structuredContent: { name: "grok-4-0709" } });
      expect(bad.result).toMatchObject({ isError: true });

      raw.child.stdin.end();
      expect(await raw.exited(5000)).toStrictEqual({ code: 0, signal: null });
      expect(raw.lines.length).toBeGreaterThanOrEqual(4);
      for (const line of raw.lines) {
        const message = JSON.parse(line) as Record<string, unknown>;
        expect(message.jsonrpc).toBe("2.0");
        expect("method" in message || "result" in message || "error" in message).toBe(true);
      }
    } finally {
      raw.child.kill("SIGKILL");
    }
  });

  it("exits 0 on SIGTERM", async () => {
    const raw = spawnRaw(env);
    try {
      await initialized(raw);
      raw.child.kill("SIGTERM");
      expect(await raw.exited(5000)).toStrictEqual({ code: 0, signal: null });
    } finally {
      raw.child.kill("SIGKILL");
    }
  });
});
