// biome-ignore-all lint/suspicious/noExplicitAny: results are checked field by field as loose JSON.
/**
 * `xai-grpc-mcp --emulator`: the server a newcomer runs first, with no key and no network. Every
 * service is exercised through its tools the way an agent would use them, in one run whose state
 * carries from call to call. And `xai-grpc-mcp emulator` runs the emulator alone for any client.
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Models } from "../gen/xai/api/v1/models_pb.js";
import { XaiClient } from "../src/grpc/xai-client.js";
import { CLI, callTool, firstText, type McpSession, startMcpServer } from "./support/mcp-client.js";

type Json = Record<string, any>;
let session: McpSession;

async function ok(name: string, args: Json): Promise<{ text: string; data: Json }> {
  const result = await callTool(session.client, name, args);
  const text = firstText(result);
  expect(result.isError, `${name}: ${text}`).toBeFalsy();
  return { text, data: (result.structuredContent ?? {}) as Json };
}

beforeAll(async () => {
  session = await startMcpServer({}, ["--emulator"]);
});

afterAll(async () => {
  await session?.close();
});

describe("--emulator: every service through its tools, no key", () => {
  it("lists every tool, Collections included, without any key configured", async () => {
    const { tools } = await session.client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toContain("collections_create_collection");
    expect(names).toContain("auth_get_api_key_info");
    expect(session.stderr()).toContain("built-in xAI emulator");
  });

  it("models, auth, tokenize, embed, sample", async () => {
    const models = await ok("models_list_language_models", {});
    expect((models.data.models as Json[]).map((m) => m.name)).toEqual(
      expect.arrayContaining(["grok-4", "grok-4-fast", "grok-3-mini", "grok-code-fast-1"]),
    );
    const model = await ok("models_get_language_model", { name: "grok-4-latest" });
    expect(model.data.name).toBe("grok-4");
    expect(model.data.system_fingerprint).toContain("emulator");
    expect((await ok("models_list_embedding_models", {})).data.models[0].name).toBe("grok-embedding-small");
    expect((await ok("models_get_image_generation_model", { name: "grok-imagine-image" })).data.name).toBe(
      "grok-imagine-image",
    );
    const key = await ok("auth_get_api_key_info", {});
    expect(key.data.redacted_api_key).toMatch(/^xai-\.\.\./);
    const tokens = await ok("tokenize_tokenize_text", { text: "Hello, world", model: "grok-4" });
    expect((tokens.data.tokens as Json[]).map((t) => t.string_token).join("")).toBe("Hello, world");
    const embed = await ok("embedder_embed", { model: "grok-embedding-small", input: ["a cat", "a dog"] });
    expect(embed.data.embeddings).toHaveLength(2);
    const sample = await ok("sample_sample_text", {
      model: "grok-3-mini",
      prompt: ["Once upon a time"],
      n: 2,
    });
    expect(sample.data.choices).toHaveLength(2);
  });

  it("chat: a completion whose text block is the answer, stored and continued", async () => {
    const first = await ok("chat_get_completion", {
      model: "grok-4-fast",
      messages: [{ role: "user", content: "Remember the word 'harbour'." }],
      store_messages: true,
    });
    expect(first.text).toContain("emulat");
    expect(first.text).toMatch(/model grok-4-fast/);
    const id = first.data.id as string;
    const stored = await ok("chat_get_stored_completion", { response_id: id });
    expect(stored.data.id).toBe(id);
    const next = await ok("chat_get_completion", {
      model: "grok-4-fast",
      messages: [{ role: "user", content: "Which word?" }],
      previous_response_id: id,
    });
    expect(next.data.usage.prompt_tokens).toBeGreaterThan(first.data.usage.prompt_tokens);
    expect((await ok("chat_delete_stored_completion", { response_id: id })).data.response_id).toBe(id);
    const gone = await callTool(session.client, "chat_get_stored_completion", { response_id: id });
    expect(gone.isError).toBe(true);
    expect(firstText(gone)).toContain("NOT_FOUND");
  });

  it("chat: unknown model is NOT_FOUND with advice", async () => {
    const result = await callTool(session.client, "chat_get_completion", {
      model: "grok-9",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(result.isError).toBe(true);
    expect(firstText(result)).toMatch(/NOT_FOUND[\s\S]*grok-9[\s\S]*What to do/);
  });

  it("batch: create, add, process, read results", async () => {
    const batch = await ok("batch_create_batch", { name: "tour" });
    const batchId = batch.data.batch_id as string;
    await ok("batch_add_batch_requests", {
      batch_id: batchId,
      batch_requests: [
        {
          batch_request_id: "q1",
          completion_request: { model: "grok-3-mini", messages: [{ role: "user", content: "1+1?" }] },
        },
        {
          batch_request_id: "q2",
          completion_request: { model: "grok-9", messages: [{ role: "user", content: "2+2?" }] },
        },
      ],
    });
    let state: Json = {};
    for (let i = 0; i < 100; i++) {
      state = (await ok("batch_get_batch", { batch_id: batchId })).data.state as Json;
      if (Number(state.num_pending ?? 0) === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(state).toMatchObject({ num_requests: "2", num_success: "1", num_error: "1" });
    const one = await ok("batch_get_batch_request_result", { batch_id: batchId, batch_request_id: "q1" });
    expect(one.data.result.batch_request_id).toBe("q1");
    expect((await ok("batch_list_batches", { limit: 10 })).data.batches.length).toBeGreaterThanOrEqual(1);
  });

  it("collections and document search", async () => {
    const created = await ok("collections_create_collection", { collection_name: "tour docs" });
    const id = created.data.collection_id as string;
    const listed = await ok("collections_list_collections", {});
    expect((listed.data.collections as Json[]).map((c) => c.collection_id)).toContain(id);
    const meta = await ok("collections_get_collection_metadata", { collection_id: id });
    expect(meta.data.collection_name).toBe("tour docs");
    const search = await callTool(session.client, "documents_search", {
      query: "harbour",
      source: { collection_ids: [id] },
    });
    expect(search.isError, firstText(search)).toBeFalsy();
    expect((await ok("collections_delete_collection", { collection_id: id })).text).toBe("Done.");
  });
});

describe("xai-grpc-mcp emulator: the emulator alone", () => {
  it("prints its address, serves any gRPC client with its keys, and stops on SIGTERM", async () => {
    const child = spawn(process.execPath, [CLI, "emulator", "--port", "0", "--key", "k-test"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    const address = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no address printed: ${stderr}`)), 10_000);
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk;
        const m = /listening on (127\.0\.0\.1:\d+)/.exec(stderr);
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => {
      stdout += c;
    });
    const client = new XaiClient({
      api: { host: `http://${address}`, key: "k-test" },
      management: { host: `http://${address}` },
      timeoutMs: 5000,
    });
    const res = await client.unary(Models.method.listLanguageModels, {});
    expect(res.models.map((m) => m.name)).toContain("grok-4");
    client.close();
    const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exit).toBe(0);
    expect(stdout).toBe("");
  });
});
