import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { create, fromJson, type JsonObject } from "@bufbuild/protobuf";
import { status } from "@grpc/grpc-js";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  CallToolResultSchema,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../emulator/index.js";
import { GetCompletionsRequestSchema } from "../gen/xai/api/v1/chat_pb.js";
import { UNARY_CALLS } from "./fixtures/unary-calls.js";
import { callWithProgress, until } from "./support/emulator-session.js";
import {
  connectHttp,
  type HttpServerProcess,
  POST_HEADERS,
  rawRequest,
  runToExit,
  startHttpServer,
} from "./support/http-server.js";
import { callTool, firstText } from "./support/mcp-client.js";
import { RecordingServer } from "./support/recording-server.js";

const CHUNK_PATH = "/xai_api.Chat/GetCompletionChunk";
const COMPLETION_PATH = "/xai_api.Chat/GetCompletion";
const CONTENT_PATH = "/xai_api.Files/RetrieveFileContent";

type Json = Record<string, unknown>;
const chatArgs = (extra: Json = {}): Json => ({
  model: "grok-4-fast",
  messages: [{ role: "ROLE_USER", content: [{ text: "Tell me about streaming rivers." }] }],
  ...extra,
});
const initialize = (id = 1) =>
  JSON.stringify({
    jsonrpc: "2.0",
    id,
    method: "initialize",
    params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "0" } },
  });
/** The environment that points a spawned server at an emulator of this process. */
const emulatorEnv = (emu: RunningEmulator) => ({
  XAI_API_KEY: emu.context.config.apiKey,
  XAI_API_HOST: emu.url,
  XAI_MANAGEMENT_KEY: emu.context.config.managementKey,
  XAI_MANAGEMENT_API_HOST: emu.url,
});

describe("--http with --emulator: the SDK's Streamable HTTP client", () => {
  let server: HttpServerProcess;
  let client: Client;
  let expected: RunningEmulator;

  beforeAll(async () => {
    server = await startHttpServer(["--http", "127.0.0.1:0", "--emulator"]);
    ({ client } = await connectHttp(server.url));
    // A twin of the server's in-process emulator (it is deterministic), to know what it streams.
    expected = await startEmulator();
  });
  afterAll(async () => {
    await client?.close();
    await server?.stop();
    await expected?.close();
  });

  it("prints the URL to paste into a client, with the port it bound", () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(server.port).toBeGreaterThan(0);
  });

  it("answers GET /healthz with 200 and the version", async () => {
    const res = await rawRequest(`${server.origin}/healthz`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ status: "ok", name: "xai-grpc-mcp", version: "0.1.0" });
  });

  it("lists the same tools as stdio, the collections tools included", async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toContain("chat_get_completion");
    expect(names).toContain("collections_create_collection");
    expect(names.length).toBeGreaterThanOrEqual(51);
  });

  it("serves the prompts, resources and completions as over stdio", async () => {
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual([
      "ask_grok",
      "grok_search",
      "grok_second_opinion",
      "grok_image",
    ]);
    const prompt = await client.getPrompt({
      name: "ask_grok",
      arguments: { question: "Why is the sky blue?", model: "grok-3-mini" },
    });
    const text = prompt.messages.map((m) => (m.content.type === "text" ? m.content.text : "")).join("\n");
    expect(text).toContain("chat_get_completion");
    expect(text).toContain("Why is the sky blue?");
    const read = await client.readResource({ uri: "xai://models" });
    expect(read.contents.map((c) => c.mimeType)).toEqual(["application/json", "text/markdown"]);
    const catalog = JSON.parse((read.contents[0] as { text: string }).text) as Record<
      string,
      { name: string }[]
    >;
    expect((catalog.language ?? []).map((m) => m.name)).toContain("grok-4");
    const { completion } = await client.complete({
      ref: { type: "ref/prompt", name: "ask_grok" },
      argument: { name: "model", value: "grok-3" },
    });
    expect(completion.values).toEqual(["grok-3-mini", "grok-3-mini-beta", "grok-3-mini-latest"]);
  });

  it("calls a tool", async () => {
    const result = await callTool(client, "chat_get_completion", chatArgs());
    expect(result.isError ?? false).toBe(false);
    expect(firstText(result)).toContain("emulat");
  });

  it("sends one progress notification per chunk over the call's SSE stream", async () => {
    const args = chatArgs();
    const chunks = await expected.context.chat.completeChunks(
      create(GetCompletionsRequestSchema, fromJson(GetCompletionsRequestSchema, args as JsonObject)),
    );
    const { result, progress } = await callWithProgress(client, "chat_get_completion_chunk", args);
    expect(result.isError ?? false).toBe(false);
    expect(chunks.length).toBeGreaterThan(5);
    expect(progress.map((p) => p.message ?? "")).toEqual(
      chunks.map((c) => c.outputs[0]?.delta?.content ?? ""),
    );
    expect(firstText(result).startsWith(progress.map((p) => p.message ?? "").join(""))).toBe(true);
  });

  it("returns generated images as MCP image blocks", async () => {
    const result = await callTool(client, "image_generate_image", {
      prompt: "a lighthouse at dusk",
      model: "grok-imagine-image",
      n: 2,
    });
    expect(result.isError ?? false).toBe(false);
    expect(result.content.map((b) => b.type)).toEqual(["text", "image", "image"]);
    const image = result.content[1] as { data: string; mimeType: string };
    expect(Buffer.from(image.data, "base64").subarray(1, 4).toString("latin1")).toBe("PNG");
  });

  it("answers errors as isError results naming the status", async () => {
    const result = await callTool(client, "chat_get_completion", chatArgs({ model: "grok-does-not-exist" }));
    expect(result.isError).toBe(true);
    expect(firstText(result)).toMatch(/NOT_FOUND|INVALID_ARGUMENT/);
  });

  it("uses the client's roots for local files, asked for over the session's GET stream", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xai-mcp-http-roots-"));
    writeFileSync(join(dir, "notes.txt"), "notes from a root");
    const rooted = await connectHttp(server.url, {}, { capabilities: { roots: { listChanged: true } } });
    let asked = 0;
    rooted.client.setRequestHandler(ListRootsRequestSchema, async () => {
      asked += 1;
      return { roots: [{ uri: pathToFileURL(dir).href, name: "work" }] };
    });
    try {
      await until(() => asked > 0, 10_000, "the server to ask for the roots");
      const result = await callTool(rooted.client, "files_upload_file", { path: join(dir, "notes.txt") });
      expect(result.isError ?? false, firstText(result)).toBe(false);
      expect(firstText(result)).toContain("Uploaded notes.txt");
      // Another session has no such root.
      const refused = await callTool(client, "files_upload_file", { path: join(dir, "notes.txt") });
      expect(refused.isError).toBe(true);
    } finally {
      await rooted.client.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("sends a session's log lines to that session only", async () => {
    const watcher = await connectHttp(server.url);
    const logs = { mine: [] as string[], other: [] as string[] };
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      logs.mine.push(String(n.params.data));
    });
    watcher.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      logs.other.push(String(n.params.data));
    });
    try {
      await callTool(client, "models_list_language_models", {});
      await until(
        () => logs.mine.some((l) => l.includes("models_list_language_models")),
        10_000,
        "a log line",
      );
      await callTool(watcher.client, "tokenize_tokenize_text", { text: "hello", model: "grok-4-fast" });
      await until(() => logs.other.some((l) => l.includes("tokenize_tokenize_text")), 10_000, "its log line");
      expect(logs.other.some((l) => l.includes("models_list_language_models"))).toBe(false);
      expect(logs.mine.some((l) => l.includes("tokenize_tokenize_text"))).toBe(false);
    } finally {
      await watcher.client.close();
    }
  });

  it("serves several sessions at once, each with its own id", async () => {
    const other = await connectHttp(server.url);
    try {
      const own = (await connectHttp(server.url)).transport;
      expect(own.sessionId).toBeDefined();
      expect(own.sessionId).not.toBe(other.transport.sessionId);
      await own.close();
      const result = await callTool(other.client, "chat_get_completion", chatArgs());
      expect(result.isError ?? false).toBe(false);
    } finally {
      await other.client.close();
    }
  });
});

describe("--http against an emulator of the test: cancellation, limits and shutdown", () => {
  let emu: RunningEmulator;
  let server: HttpServerProcess;
  let client: Client;

  beforeAll(async () => {
    emu = await startEmulator();
    emu.context.chat.streamChunkDelayMs = 50;
    server = await startHttpServer(
      ["--http", "0", "--http-max-session-calls", "2", "--heartbeat-ms", "200"],
      emulatorEnv(emu),
    );
    ({ client } = await connectHttp(server.url));
  });
  afterAll(async () => {
    await client?.close();
    await server?.stop();
    await emu?.close();
  });

  it("cancels a chat stream mid-way: the emulator sees the gRPC call cancelled", async () => {
    const controller = new AbortController();
    const ended = emu.context.log.nextEnd(CHUNK_PATH, 10_000);
    let seen = 0;
    const call = callWithProgress(client, "chat_get_completion_chunk", chatArgs(), {
      signal: controller.signal,
      onProgress: () => {
        seen += 1;
        if (seen === 2) controller.abort("the user pressed stop");
      },
    });
    await expect(call).rejects.toThrow();
    expect((await ended).outcome).toBe("cancelled");
  });

  it("sends heartbeats while xAI is silent", async () => {
    emu.context.faults.set(COMPLETION_PATH, { stall: true });
    const controller = new AbortController();
    try {
      const call = callWithProgress(client, "chat_get_completion", chatArgs(), {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.message?.includes("still waiting for xAI")) controller.abort();
        },
      });
      await expect(call).rejects.toThrow();
      expect(controller.signal.aborted).toBe(true);
    } finally {
      emu.context.faults.clear();
    }
  });

  it("closes a session the client ends with DELETE", async () => {
    const other = await connectHttp(server.url);
    const id = other.transport.sessionId ?? "";
    await other.transport.terminateSession();
    const res = await rawRequest(server.url, {
      method: "POST",
      headers: { ...POST_HEADERS, "mcp-session-id": id, "mcp-protocol-version": "2025-06-18" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 3, method: "tools/list" }),
    });
    expect(res.status).toBe(404);
    await other.client.close();
  });

  it("cancels the gRPC call when the client's connection goes away", async () => {
    emu.context.faults.set(COMPLETION_PATH, { stall: true });
    try {
      const ended = emu.context.log.nextEnd(COMPLETION_PATH, 10_000);
      const other = await connectHttp(server.url);
      const before = emu.context.log.records(COMPLETION_PATH).length;
      const call = other.client.callTool({ name: "chat_get_completion", arguments: chatArgs() });
      call.catch(() => {});
      await until(() => emu.context.log.records(COMPLETION_PATH).length > before, 10_000, "the call");
      // Closing the client transport aborts its open requests: the POST's stream goes away.
      await other.transport.close();
      expect((await ended).outcome).toBe("cancelled");
    } finally {
      emu.context.faults.clear();
    }
  });

  it("refuses a tool call over the per-session cap with an error naming the limit", async () => {
    emu.context.faults.set(COMPLETION_PATH, { stall: true });
    const controller = new AbortController();
    try {
      const before = emu.context.log.records(COMPLETION_PATH).length;
      const running = [1, 2].map(() =>
        client.callTool({ name: "chat_get_completion", arguments: chatArgs() }, undefined, {
          signal: controller.signal,
        }),
      );
      for (const r of running) r.catch(() => {});
      await until(() => emu.context.log.records(COMPLETION_PATH).length >= before + 2, 10_000, "two calls");
      await expect(callTool(client, "models_list_language_models", {})).rejects.toThrow(
        /--http-max-session-calls 2/,
      );
    } finally {
      controller.abort();
      emu.context.faults.clear();
    }
    // Once the calls are cancelled, the session calls again.
    await until(() => emu.context.log.records(COMPLETION_PATH).every((r) => r.outcome), 10_000, "cancels");
    const result = await callTool(client, "models_list_language_models", {});
    expect(result.isError ?? false).toBe(false);
  });

  it("refuses a body over the message limit with stdio's error, naming the limit and `path`", async () => {
    const small = await startHttpServer(["--http", "0", "--max-message-bytes", "65536"], emulatorEnv(emu));
    try {
      const { client: c, transport } = await connectHttp(small.url);
      const big = {
        jsonrpc: "2.0",
        id: 7,
        method: "tools/call",
        params: {
          name: "files_upload_file",
          arguments: { init: { name: "a.txt" }, text: "x".repeat(100_000) },
        },
      };
      const res = await rawRequest(small.url, {
        method: "POST",
        headers: {
          ...POST_HEADERS,
          "mcp-session-id": transport.sessionId ?? "",
          "mcp-protocol-version": "2025-06-18",
        },
        body: JSON.stringify(big),
      });
      expect(res.status).toBe(413);
      const error = (JSON.parse(res.body) as { error: { code: number; message: string } }).error;
      expect(error.code).toBe(-32600);
      expect(error.message).toContain("at most 65536 bytes");
      expect(error.message).toContain("--max-message-bytes");
      expect(error.message).toContain("`path`");
      // And the session goes on.
      const result = await callTool(c, "models_list_language_models", {});
      expect(result.isError ?? false).toBe(false);
      await c.close();
    } finally {
      await small.stop();
    }
  });

  it("shuts down with calls in flight: each answered, xAI calls cancelled, no temp file, exit 0", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xai-mcp-http-shutdown-"));
    const stopping = await startHttpServer(["--http", "0", "--allow-dir", dir], emulatorEnv(emu));
    try {
      const { client: c } = await connectHttp(stopping.url);
      const uploaded = await callTool(c, "files_upload_file", { init: { name: "blob.bin" }, text: "abc" });
      const fileId = (uploaded.structuredContent as { id: string }).id;
      emu.context.faults.set(COMPLETION_PATH, { stall: true });
      emu.context.faults.set(CONTENT_PATH, { stall: true });
      const calls = [
        c.callTool({ name: "chat_get_completion", arguments: chatArgs() }),
        c.callTool({
          name: "files_retrieve_file_content",
          arguments: { file_id: fileId, save_to: "blob.bin" },
        }),
      ];
      for (const call of calls) call.catch(() => {});
      await until(
        () => readdirSync(dir).some((f) => f.endsWith(".part")),
        10_000,
        "the download's temp file",
      );
      await until(() => emu.context.log.records(COMPLETION_PATH).some((r) => !r.outcome), 10_000, "the chat");
      // Both calls stall until cancelled, so they end only after SIGTERM: their 10 s start there.
      const ends = [
        emu.context.log.nextEnd(COMPLETION_PATH, 10_000),
        emu.context.log.nextEnd(CONTENT_PATH, 10_000),
      ];
      stopping.child.kill("SIGTERM");
      for (const call of calls) {
        const result = CallToolResultSchema.parse(await call);
        expect(result.isError).toBe(true);
        expect(firstText(result)).toContain("The server is stopping (SIGTERM)");
      }
      for (const end of ends) expect((await end).outcome).toBe("cancelled");
      expect((await stopping.exited()).code).toBe(0);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      emu.context.faults.clear();
      await stopping.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("--http access control", () => {
  const TOKEN = "s3cret-token-for-tests-1234567890";
  let server: HttpServerProcess;

  beforeAll(async () => {
    server = await startHttpServer(
      [
        "--http",
        "127.0.0.1:0",
        "--emulator",
        "--http-allow-origin",
        "http://app.example",
        "--toolsets",
        "chat,models",
      ],
      {
        XAI_MCP_HTTP_TOKEN: TOKEN,
      },
    );
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("answers 401 without a token and with a wrong one, and serves the right one", async () => {
    await expect(connectHttp(server.url)).rejects.toMatchObject({ code: 401 });
    await expect(connectHttp(server.url, { authorization: "Bearer not-the-token" })).rejects.toMatchObject({
      code: 401,
    });
    const raw = await rawRequest(server.url, {
      method: "POST",
      headers: { ...POST_HEADERS, authorization: `Bearer ${TOKEN}x` },
      body: initialize(),
    });
    expect(raw.status).toBe(401);
    expect(raw.headers["www-authenticate"]).toMatch(/^Bearer/);
    expect(raw.body).not.toContain(TOKEN);
    const { client } = await connectHttp(server.url, { authorization: `Bearer ${TOKEN}` });
    // The tool selection applies over HTTP as over stdio.
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toContain("chat_get_completion");
    expect(names.every((n) => n.startsWith("chat_") || n.startsWith("models_"))).toBe(true);
    await client.close();
  });

  it("answers 403 to a foreign Origin, and serves an allowed one", async () => {
    const foreign = await rawRequest(server.url, {
      method: "POST",
      headers: { ...POST_HEADERS, authorization: `Bearer ${TOKEN}`, origin: "http://evil.example" },
      body: initialize(),
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toContain("--http-allow-origin");
    const allowed = await rawRequest(server.url, {
      method: "POST",
      headers: { ...POST_HEADERS, authorization: `Bearer ${TOKEN}`, origin: "http://app.example" },
      body: initialize(),
    });
    expect(allowed.status).toBe(200);
    expect(allowed.headers["access-control-allow-origin"]).toBe("http://app.example");
    // A browser asks first (without the token); only the allowed origin gets an answer it can use.
    const preflight = (origin: string) =>
      rawRequest(server.url, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "authorization, content-type, mcp-session-id",
        },
      });
    const ok = await preflight("http://app.example");
    expect(ok.status).toBe(204);
    expect(ok.headers["access-control-allow-origin"]).toBe("http://app.example");
    expect(String(ok.headers["access-control-allow-headers"])).toContain("mcp-session-id");
    const refused = await preflight("http://evil.example");
    expect(refused.status).toBe(403);
    expect(refused.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("answers 403 to a Host that is not the loopback server's (DNS rebinding)", async () => {
    const rebound = await rawRequest(server.url, {
      method: "POST",
      headers: { ...POST_HEADERS, authorization: `Bearer ${TOKEN}`, host: `attacker.example:${server.port}` },
      body: initialize(),
    });
    expect(rebound.status).toBe(403);
    const local = await rawRequest(`${server.origin}/healthz`, {
      headers: { host: `localhost:${server.port}` },
    });
    expect(local.status).toBe(200);
  });

  it("refuses to start on a public address without a token, and on malformed settings", async () => {
    const open = await runToExit(["--http", "0.0.0.0:0", "--emulator"]);
    expect(open.code).toBe(2);
    expect(open.stderr).toContain("without a token");
    expect(open.stderr).toContain("XAI_MCP_HTTP_TOKEN");
    const malformed = await runToExit(["--emulator"], { XAI_MCP_HTTP: "localhost:http" });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain("XAI_MCP_HTTP must be [HOST:]PORT");
    const stray = await runToExit(["--emulator", "--stateless"]);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain("--stateless applies to HTTP only");
  });
});

describe("--http-client-keys: each session calls with its own key", () => {
  const KEYS = { alpha: "xai-key-alpha-1111111111", beta: "xai-key-beta-2222222222" };
  const SERVER_KEY = "xai-key-of-the-server-333333";
  const MODELS = UNARY_CALLS.find((c) => c.path === "/xai_api.Models/ListLanguageModels");
  let grpc: RecordingServer;
  let server: HttpServerProcess;

  beforeAll(async () => {
    if (!MODELS) throw new Error("no ListLanguageModels fixture");
    grpc = await RecordingServer.start({
      apiKey: SERVER_KEY,
      managementKey: "xai-management-of-the-server",
      moreApiKeys: [KEYS.alpha, KEYS.beta],
    });
    grpc.respond(MODELS.path, MODELS.response);
    server = await startHttpServer(["--http", "0", "--http-client-keys"], {
      XAI_API_KEY: SERVER_KEY,
      XAI_API_HOST: grpc.url,
      XAI_MANAGEMENT_API_HOST: grpc.url,
    });
  });
  afterAll(async () => {
    await server?.stop();
    await grpc?.close();
  });

  it("uses each session's X-Xai-Api-Key for its calls and never the server's", async () => {
    const alpha = await connectHttp(server.url, { "x-xai-api-key": KEYS.alpha });
    const beta = await connectHttp(server.url, { "x-xai-api-key": KEYS.beta });
    try {
      for (const [session, key] of [
        [alpha, KEYS.alpha],
        [beta, KEYS.beta],
        [alpha, KEYS.alpha],
      ] as const) {
        const before = grpc.calls.length;
        const result = await callTool(session.client, "models_list_language_models", {});
        expect(result.isError ?? false).toBe(false);
        expect(grpc.calls.slice(before).map((c) => c.key)).toEqual([key]);
      }
      expect(grpc.calls.some((c) => c.key === SERVER_KEY)).toBe(false);
    } finally {
      await alpha.client.close();
      await beta.client.close();
    }
  });

  it("refuses a session without a key, and another key on someone else's session", async () => {
    await expect(connectHttp(server.url)).rejects.toThrow(/X-Xai-Api-Key/);
    const alpha = await connectHttp(server.url, { "x-xai-api-key": KEYS.alpha });
    try {
      const res = await rawRequest(server.url, {
        method: "POST",
        headers: {
          ...POST_HEADERS,
          "x-xai-api-key": KEYS.beta,
          "mcp-session-id": alpha.transport.sessionId ?? "",
          "mcp-protocol-version": "2025-06-18",
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 5, method: "tools/list" }),
      });
      expect(res.status).toBe(403);
      expect(res.body).not.toContain(KEYS.alpha);
      expect(res.body).not.toContain(KEYS.beta);
    } finally {
      await alpha.client.close();
    }
  });

  it("keeps a session's key out of its error results", async () => {
    const wrong = "xai-key-unknown-4444444444";
    const session = await connectHttp(server.url, { "x-xai-api-key": wrong });
    try {
      const result = await callTool(session.client, "models_list_language_models", {});
      expect(result.isError).toBe(true);
      expect(firstText(result)).toContain("UNAUTHENTICATED");
      expect(JSON.stringify(result)).not.toContain(wrong);
    } finally {
      await session.client.close();
    }
  });

  it("redacts a session's key that a host echoes back, in its answers and on stderr", async () => {
    if (!MODELS) throw new Error("no ListLanguageModels fixture");
    grpc.fail(MODELS.path, status.INVALID_ARGUMENT, `bad request from ${KEYS.beta}`);
    const session = await connectHttp(server.url, { "x-xai-api-key": KEYS.beta });
    try {
      const result = await callTool(session.client, "models_list_language_models", {});
      expect(result.isError).toBe(true);
      expect(firstText(result)).toContain("INVALID_ARGUMENT");
      expect(firstText(result)).toContain("[redacted]");
      expect(JSON.stringify(result)).not.toContain(KEYS.beta.slice(4, 12));
      expect(server.stderr()).not.toContain(KEYS.beta.slice(4, 12));
    } finally {
      grpc.reset();
      await session.client.close();
    }
  });
});

/** A load balancer in miniature: sends each request to the next backend in turn. */
async function roundRobin(
  backends: readonly string[],
): Promise<{ url: string; served: number[]; close(): Promise<void> }> {
  const served = backends.map(() => 0);
  let next = 0;
  const proxy: Server = createServer((req, res) => {
    const index = next++ % backends.length;
    served[index] = (served[index] ?? 0) + 1;
    const target = new URL(req.url ?? "/", backends[index]);
    const upstream = request(
      target,
      { method: req.method, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const port = (proxy.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    served,
    close: () =>
      new Promise<void>((resolve) => {
        proxy.closeAllConnections();
        proxy.close(() => resolve());
      }),
  };
}

describe("--stateless: two instances behind a balancer answer one client", () => {
  let emu: RunningEmulator;
  let servers: HttpServerProcess[];
  let balancer: Awaited<ReturnType<typeof roundRobin>>;

  beforeAll(async () => {
    emu = await startEmulator();
    servers = await Promise.all(
      [0, 1].map(() => startHttpServer(["--http", "0", "--stateless"], emulatorEnv(emu))),
    );
    balancer = await roundRobin(servers.map((s) => s.origin));
  });
  afterAll(async () => {
    await balancer?.close();
    await Promise.all((servers ?? []).map((s) => s.stop()));
    await emu?.close();
  });

  it("initializes on one, lists and calls on either, with no session id", async () => {
    const { client, transport } = await connectHttp(balancer.url);
    try {
      expect(transport.sessionId).toBeUndefined();
      const before = [...balancer.served];
      const listed = await client.listTools();
      expect(listed.tools.length).toBeGreaterThan(0);
      const texts: string[] = [];
      for (let i = 0; i < 4; i++) {
        const result = await callTool(client, "chat_get_completion", chatArgs());
        expect(result.isError ?? false).toBe(false);
        texts.push(firstText(result));
      }
      // Both instances answered these requests (alternately), and answered alike.
      expect(balancer.served.every((n, i) => n - (before[i] ?? 0) >= 2)).toBe(true);
      expect(new Set(texts.map((t) => t.split("\n")[0])).size).toBe(1);
      const progress = await callWithProgress(client, "chat_get_completion_chunk", chatArgs());
      expect(progress.progress.length).toBeGreaterThan(5);
    } finally {
      await client.close();
    }
  });
});

describe("--http sessions: the open-session cap and the idle timeout", () => {
  let emu: RunningEmulator;
  let server: HttpServerProcess;

  beforeAll(async () => {
    emu = await startEmulator();
    server = await startHttpServer(
      ["--http", "0", "--http-max-sessions", "1", "--http-session-idle", "2"],
      emulatorEnv(emu),
    );
  });
  afterAll(async () => {
    await server?.stop();
    await emu?.close();
  });

  it("refuses a session over the cap with 503, and closes an idle session (404 after)", async () => {
    const first = await connectHttp(server.url);
    // A call in flight keeps the session busy, however long the check below takes.
    emu.context.faults.set(COMPLETION_PATH, { stall: true });
    const controller = new AbortController();
    const running = first.client.callTool({ name: "chat_get_completion", arguments: chatArgs() }, undefined, {
      signal: controller.signal,
    });
    running.catch(() => {});
    await until(() => emu.context.log.records(COMPLETION_PATH).length > 0, 10_000, "the call");
    await expect(connectHttp(server.url)).rejects.toThrow(/--http-max-sessions/);
    controller.abort();
    emu.context.faults.clear();
    // Now idle. Watch from outside the session (asking it would keep it busy): /healthz counts them.
    let open = 1;
    const poll = setInterval(() => {
      void rawRequest(`${server.origin}/healthz`).then((r) => {
        open = (JSON.parse(r.body) as { sessions: number }).sessions;
      });
    }, 100);
    try {
      await until(() => open === 0, 20_000, "the idle session to close");
    } finally {
      clearInterval(poll);
    }
    const late = await rawRequest(server.url, {
      method: "POST",
      headers: {
        ...POST_HEADERS,
        "mcp-session-id": first.transport.sessionId ?? "",
        "mcp-protocol-version": "2025-06-18",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/list" }),
    });
    expect(late.status).toBe(404);
    expect(late.body).toContain("initialize again");
    // Its place is free again.
    const second = await connectHttp(server.url);
    expect((await second.client.listTools()).tools.length).toBeGreaterThan(0);
    await second.client.close();
    await first.client.close().catch(() => {});
  });
});
