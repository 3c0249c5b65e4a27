import { status } from "@grpc/grpc-js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { XaiClient } from "../src/grpc/xai-client.js";
import { Logger } from "../src/log.js";
import { REDACTED, Redactor } from "../src/redaction.js";
import { createMcpServer } from "../src/server.js";
import { type RawServer, spawnRaw } from "./support/mcp-client.js";
import { RecordingServer } from "./support/recording-server.js";

// Keys with characters that base64 and URL encoding change, so that every form differs.
const API_KEY = "xai-Hk7+Qz2/Wm9=Rt4~Ln6Pv3";
const MANAGEMENT_KEY = "xai-mgmt-Bd5+Yx8/Fj1=Cs0~Ge";
const KEYS = [API_KEY, MANAGEMENT_KEY];

const b64 = (s: string) => Buffer.from(s).toString("base64");
const b64url = (s: string) => Buffer.from(s).toString("base64url");

/** What a hostile host echoes: the key, fragments of it, and its encodings, at every offset. */
function leaksOf(key: string): string[] {
  return [
    key,
    key.slice(0, 8),
    key.slice(-8),
    key.slice(5, 15),
    b64(key),
    b64url(key),
    b64(key.slice(1)),
    b64url(key.slice(2)),
    b64(key.slice(4, 16)),
    encodeURIComponent(key),
    encodeURIComponent(key.slice(3, 20)),
  ];
}

/** Every 8-character run of a key and of its encodings: none of them may appear in any output. */
function forbiddenRuns(key: string): string[] {
  const forms = [key, encodeURIComponent(key)];
  for (let shift = 0; shift < 3; shift++) forms.push(b64(key.slice(shift)), b64url(key.slice(shift)));
  const runs = new Set<string>();
  for (const form of forms) for (let i = 0; i + 8 <= form.length; i++) runs.add(form.slice(i, i + 8));
  return [...runs];
}

function expectNoKey(text: string): void {
  for (const key of KEYS) for (const run of forbiddenRuns(key)) expect(text).not.toContain(run);
}

describe("Redactor", () => {
  const redactor = new Redactor(KEYS);

  it("replaces the key, its fragments of 8+ characters and its encodings, anywhere in a text", () => {
    for (const key of KEYS) {
      for (const leak of leaksOf(key)) {
        const text = `before ${leak} after`;
        const clean = redactor.text(text);
        expectNoKey(clean);
        expect(clean).toContain(REDACTED);
        expect(clean.startsWith("before ")).toBe(true);
        expect(clean.endsWith(" after")).toBe(true);
      }
    }
  });

  it("leaves text without a run of a key untouched, even with shorter pieces of it", () => {
    const text = `xai- and ${API_KEY.slice(0, 7)} and ${API_KEY.slice(9, 16)}; an ordinary sentence.`;
    expect(redactor.text(text)).toBe(text);
    const value = { a: [text, 1, null], b: { c: text } };
    expect(redactor.value(value)).toBe(value);
  });

  it("redacts inside nested values, keys included, without changing the input", () => {
    const value = { [API_KEY]: [`x ${b64(MANAGEMENT_KEY)} y`], n: 3 };
    const clean = redactor.value(value);
    expectNoKey(JSON.stringify(clean));
    expect(clean).toEqual({ [REDACTED]: [`x ${REDACTED} y`], n: 3 });
    expect(Object.keys(value)).toEqual([API_KEY, "n"]);
  });

  it("does nothing without keys", () => {
    const none = new Redactor([undefined, ""]);
    expect(none.active).toBe(false);
    expect(none.text(API_KEY)).toBe(API_KEY);
  });
});

describe("every message a connected server sends is redacted", () => {
  it("covers log notifications and progress, not only results", async () => {
    const logger = new Logger("debug");
    const server = createMcpServer({
      client: () => Promise.reject(new Error("not used")) as Promise<XaiClient>,
      tools: [],
      logger,
      secrets: KEYS,
    });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: "t", version: "0" });
    const logs: string[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      logs.push(JSON.stringify(n));
    });
    await server.connect(serverSide);
    await client.connect(clientSide);
    await server.sendLoggingMessage({
      level: "info",
      data: `the key is ${API_KEY} / ${b64(MANAGEMENT_KEY)}`,
    });
    await client.ping();
    expect(logs).toHaveLength(1);
    expectNoKey(logs[0] as string);
    expect(logs[0]).toContain(REDACTED);
    await client.close();
  });
});

describe("a hostile host echoing the keys", () => {
  const answer = (key: string) => `echo: ${leaksOf(key).join(" | ")}`;
  let upstream: RecordingServer;
  let server: RawServer;

  beforeAll(async () => {
    upstream = await RecordingServer.start({ apiKey: API_KEY, managementKey: MANAGEMENT_KEY });
    upstream.respond("/xai_api.Models/ListLanguageModels", {
      models: [{ name: answer(API_KEY), aliases: leaksOf(MANAGEMENT_KEY), version: "1" }],
    });
    upstream.respond("/collections.Collections/ListCollections", {
      collections: [{ collection_id: "c1", collection_name: answer(MANAGEMENT_KEY) }],
    });
    upstream.fail("/xai_api.Auth/get_api_key_info", status.PERMISSION_DENIED, answer(API_KEY));
    upstream.stream(
      "/xai_api.Chat/GetCompletionChunk",
      [...leaksOf(API_KEY), ...leaksOf(MANAGEMENT_KEY)].map((leak, i) => ({
        id: "r1",
        model: "grok-4",
        outputs: [{ index: 0, delta: { content: ` chunk ${i}: ${leak}`, role: "ROLE_ASSISTANT" } }],
      })),
    );
    server = spawnRaw({
      XAI_API_KEY: API_KEY,
      XAI_MANAGEMENT_KEY: MANAGEMENT_KEY,
      XAI_API_HOST: upstream.url,
      XAI_MANAGEMENT_API_HOST: upstream.url,
    });
    server.send({
      jsonrpc: "2.0",
      id: 0,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "0" } },
    });
    await server.response(0);
    server.send({ jsonrpc: "2.0", method: "notifications/initialized" });
  });

  afterAll(async () => {
    server?.child.kill();
    await upstream?.close();
  });

  const call = async (id: number, name: string, args: object, progress = false) => {
    server.send({
      jsonrpc: "2.0",
      id,
      method: "tools/call",
      params: { name, arguments: args, ...(progress ? { _meta: { progressToken: `p${id}` } } : {}) },
    });
    return (await server.response(id, 20_000)) as { result?: { isError?: boolean } };
  };

  it("never lets a key, a fragment or an encoding of it reach stdout or stderr", async () => {
    const models = await call(1, "models_list_language_models", {});
    expect(models.result?.isError).toBeFalsy();
    const collections = await call(2, "collections_list_collections", {});
    expect(collections.result?.isError).toBeFalsy();
    const info = await call(3, "auth_get_api_key_info", {});
    expect(info.result?.isError).toBe(true);
    const chunks = await call(
      4,
      "chat_get_completion_chunk",
      { model: "grok-4", messages: [{ role: "user", content: "hi" }] },
      true,
    );
    expect(chunks.result?.isError).toBeFalsy();
    // The answers did come back (redacted), progress included: the test saw what it must check.
    const stdout = server.lines.join("\n");
    expect(stdout).toContain("notifications/progress");
    expect(stdout.split(REDACTED).length).toBeGreaterThan(40);
    expectNoKey(stdout);
    expectNoKey(server.stderr());
  });
});
