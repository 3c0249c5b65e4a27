import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  type GetPromptResult,
  type ReadResourceResult,
  ResourceListChangedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReasoningEffortSchema } from "../gen/xai/api/v1/chat_pb.js";
import { callTool, firstText, type McpSession, rpcError, startMcpServer } from "./support/mcp-client.js";

type Json = Record<string, unknown>;

/** A 1×1 PNG. */
const PNG_1X1 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

let session: McpSession;
let client: Client;
/** Resolvers waiting for the next `notifications/resources/list_changed`. */
const listChangedWaiters: (() => void)[] = [];
let listChangedCount = 0;

beforeAll(async () => {
  session = await startMcpServer({}, ["--emulator"]);
  client = session.client;
  client.setNotificationHandler(ResourceListChangedNotificationSchema, () => {
    listChangedCount += 1;
    for (const wake of listChangedWaiters.splice(0)) wake();
  });
});

afterAll(async () => {
  await session?.close();
});

/** Resolves at the next list-changed notification. */
function nextListChanged(): Promise<void> {
  return new Promise((resolve) => listChangedWaiters.push(resolve));
}

async function ok(name: string, args: Json): Promise<Json> {
  const result = await callTool(client, name, args);
  expect(result.isError, firstText(result)).toBeFalsy();
  return result.structuredContent as Json;
}

/** The tool and arguments a prompt's message asks the client to call. */
function toolCallOf(prompt: GetPromptResult): { tool: string; args: Json; text: string } {
  const content = prompt.messages[0]?.content;
  if (content?.type !== "text") throw new Error("the prompt's first message is not text");
  const m = /Call the tool `(\w+)` with exactly these arguments:\n```json\n([\s\S]*?)\n```/.exec(
    content.text,
  );
  if (!m?.[1] || !m[2]) throw new Error(`no tool call in: ${content.text}`);
  return { tool: m[1], args: JSON.parse(m[2]) as Json, text: content.text };
}

/** The JSON-RPC error of a request that must fail. */
const textOf = (r: ReadResourceResult, i = 0): string => {
  const c = r.contents[i];
  if (!c || !("text" in c)) throw new Error(`content ${i} is not text`);
  return c.text;
};

async function upload(name: string, content: { text: string } | { content_base64: string }): Promise<string> {
  const file = await ok("files_upload_file", { init: { name }, ...content });
  return String(file.id);
}

describe("capabilities", () => {
  it("declares prompts, resources (with listChanged) and completions beside the tools", () => {
    expect(client.getServerCapabilities()).toMatchObject({
      tools: {},
      prompts: {},
      resources: { listChanged: true },
      completions: {},
    });
  });
});

describe("prompts", () => {
  it("lists the four prompts with typed, described arguments", async () => {
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual([
      "ask_grok",
      "grok_search",
      "grok_second_opinion",
      "grok_image",
    ]);
    const args = Object.fromEntries(
      prompts.map((p) => [p.name, (p.arguments ?? []).map((a) => `${a.name}${a.required ? "*" : ""}`)]),
    );
    expect(args).toEqual({
      ask_grok: ["question*", "model", "reasoning_effort"],
      grok_search: ["query*", "sources", "from_date", "to_date", "handles", "model"],
      grok_second_opinion: ["content*", "question", "model"],
      grok_image: ["description*", "aspect_ratio", "save_to", "model"],
    });
    for (const p of prompts) {
      expect(p.description, p.name).toBeTruthy();
      expect(p.title, p.name).toBeTruthy();
      for (const a of p.arguments ?? []) expect(a.description, `${p.name}.${a.name}`).toBeTruthy();
    }
  });

  it("ask_grok: the message has the client call chat_get_completion with the arguments, and that call works", async () => {
    const prompt = await client.getPrompt({
      name: "ask_grok",
      arguments: { question: "Why is the sky blue?", model: "grok-3-mini", reasoning_effort: "high" },
    });
    const call = toolCallOf(prompt);
    expect(call.tool).toBe("chat_get_completion");
    expect(call.args).toEqual({
      model: "grok-3-mini",
      messages: [{ role: "ROLE_USER", content: [{ text: "Why is the sky blue?" }] }],
      reasoning_effort: "EFFORT_HIGH",
    });
    expect(call.text).toContain("show Grok's answer");
    const answer = await ok(call.tool, call.args);
    expect(answer.model).toBe("grok-3-mini");
  });

  it("ask_grok without model or effort uses the default model", async () => {
    const call = toolCallOf(await client.getPrompt({ name: "ask_grok", arguments: { question: "Hi" } }));
    expect(call.args).toEqual({
      model: "grok-4",
      messages: [{ role: "ROLE_USER", content: [{ text: "Hi" }] }],
    });
  });

  it("grok_search: web and X search tools with the date range and handles; the answer has citations", async () => {
    const prompt = await client.getPrompt({
      name: "grok_search",
      arguments: {
        query: "emulator news",
        sources: "web,x",
        from_date: "2025-01-01",
        to_date: "2025-01-31",
        handles: "@xai, grok",
      },
    });
    const call = toolCallOf(prompt);
    expect(call.tool).toBe("chat_get_completion");
    expect(call.args.tools).toEqual([
      { web_search: {} },
      {
        x_search: {
          from_date: "2025-01-01T00:00:00Z",
          to_date: "2025-01-31T23:59:59Z",
          allowed_x_handles: ["xai", "grok"],
        },
      },
    ]);
    expect(call.text).toContain("citations");
    const answer = await ok(call.tool, call.args);
    expect((answer.citations as string[]).length).toBeGreaterThan(0);

    const webOnly = toolCallOf(
      await client.getPrompt({ name: "grok_search", arguments: { query: "q", sources: "web" } }),
    );
    expect(webOnly.args.tools).toEqual([{ web_search: {} }]);
    const both = toolCallOf(await client.getPrompt({ name: "grok_search", arguments: { query: "q" } }));
    expect(both.args.tools).toEqual([{ web_search: {} }, { x_search: {} }]);
  });

  it("grok_second_opinion: Grok reviews the content; the client is asked for its own view beside it", async () => {
    const prompt = await client.getPrompt({
      name: "grok_second_opinion",
      arguments: { content: "function add(a, b) { return a - b; }", question: "Is this right?" },
    });
    const call = toolCallOf(prompt);
    expect(call.tool).toBe("chat_get_completion");
    const messages = call.args.messages as { role: string; content: { text: string }[] }[];
    expect(messages.map((m) => m.role)).toEqual(["ROLE_SYSTEM", "ROLE_USER"]);
    expect(messages[1]?.content[0]?.text).toContain("Is this right?");
    expect(messages[1]?.content[0]?.text).toContain("return a - b");
    expect(call.text).toMatch(/your own/i);
    expect(call.text).toMatch(/side by side/);
    await ok(call.tool, call.args);
  });

  it("grok_image: an image generation call with the aspect ratio's enum name", async () => {
    const prompt = await client.getPrompt({
      name: "grok_image",
      arguments: { description: "a lighthouse at dusk", aspect_ratio: "16:9" },
    });
    const call = toolCallOf(prompt);
    expect(call.tool).toBe("image_generate_image");
    expect(call.args).toEqual({
      model: "grok-imagine-image",
      prompt: "a lighthouse at dusk",
      aspect_ratio: "IMG_ASPECT_RATIO_16_9",
    });
    const result = await callTool(client, call.tool, call.args);
    expect(result.isError, firstText(result)).toBeFalsy();
    expect(result.content.some((c) => c.type === "image")).toBe(true);
    const withSave = toolCallOf(
      await client.getPrompt({
        name: "grok_image",
        arguments: { description: "x", save_to: "out", aspect_ratio: "19.5:9" },
      }),
    );
    expect(withSave.args).toMatchObject({ save_to: "out", aspect_ratio: "IMG_ASPECT_RATIO_19_5_9" });
  });

  it("refuses a missing or blank required argument, naming it, for every prompt", async () => {
    const required = {
      ask_grok: "question",
      grok_search: "query",
      grok_second_opinion: "content",
      grok_image: "description",
    };
    for (const [name, arg] of Object.entries(required)) {
      for (const args of [{}, { [arg]: "  " }]) {
        const e = await rpcError(client.getPrompt({ name, arguments: args }));
        expect(e.code, name).toBe(-32602);
        expect(e.message, name).toContain(arg);
      }
    }
  });

  it("refuses unknown arguments, bad values and unknown prompts", async () => {
    const cases: [string, Record<string, string>, string][] = [
      ["ask_grok", { question: "q", temperature: "2" }, "temperature"],
      ["ask_grok", { question: "q", reasoning_effort: "extreme" }, "reasoning_effort"],
      ["grok_image", { description: "d", aspect_ratio: "7:5" }, "aspect_ratio"],
      ["grok_search", { query: "q", sources: "news" }, "sources"],
      ["grok_search", { query: "q", from_date: "yesterday" }, "from_date"],
      ["grok_search", { query: "q", sources: "web", handles: "xai" }, "handles"],
      ["grok_search", { query: "q", from_date: "2025-02-01", to_date: "2025-01-01" }, "to_date"],
      ["grok_video", { description: "d" }, "grok_video"],
    ];
    for (const [name, args, named] of cases) {
      const e = await rpcError(client.getPrompt({ name, arguments: args }));
      expect(e.code, `${name} ${JSON.stringify(args)}`).toBe(-32602);
      expect(e.message).toContain(named);
    }
  });
});

describe("resources", () => {
  it("lists the models resource first and the five templates", async () => {
    const { resources } = await client.listResources();
    expect(resources[0]).toMatchObject({ uri: "xai://models", mimeType: "application/json" });
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual([
      "xai://files/{file_id}",
      "xai://chat/stored/{response_id}",
      "xai://batches/{batch_id}",
      "xai://batches/{batch_id}/results",
      "xai://collections/{collection_id}",
    ]);
    for (const t of resourceTemplates) expect(t.description, t.uriTemplate).toBeTruthy();
  });

  it("xai://models: the catalog by kind as JSON, with a markdown summary", async () => {
    const read = await client.readResource({ uri: "xai://models" });
    expect(read.contents.map((c) => c.mimeType)).toEqual(["application/json", "text/markdown"]);
    const catalog = JSON.parse(textOf(read)) as Record<string, Json[]>;
    const names = (kind: string) => (catalog[kind] ?? []).map((m) => m.name);
    expect(names("language")).toEqual(["grok-4", "grok-4-fast", "grok-3-mini", "grok-code-fast-1"]);
    expect(names("image")).toEqual(["grok-imagine-image"]);
    expect(names("video")).toEqual(["grok-imagine-video"]);
    expect(names("embedding")).toEqual(["grok-embedding-small"]);
    const summary = textOf(read, 1);
    expect(summary).toMatch(/^# xAI models/);
    expect(summary).toContain("## Video models");
    expect(summary).toContain("- grok-4 ·");
  });

  it("an upload in the same session: list-changed notification, listed, read back; a delete notifies again", async () => {
    const changed = nextListChanged();
    const before = listChangedCount;
    const id = await upload("notes.md", { text: "# Notes\nhello from a test\n" });
    await changed;
    expect(listChangedCount).toBe(before + 1);

    const { resources } = await client.listResources();
    const entry = resources.find((r) => r.uri === `xai://files/${id}`);
    expect(entry).toMatchObject({ name: "notes.md", mimeType: "text/markdown", size: 26 });
    expect(resources[1]?.uri, "the most recent file comes first").toBe(`xai://files/${id}`);

    const read = await client.readResource({ uri: `xai://files/${id}` });
    expect(read.contents).toEqual([
      { uri: `xai://files/${id}`, mimeType: "text/markdown", text: "# Notes\nhello from a test\n" },
    ]);

    const deleted = nextListChanged();
    await ok("files_delete_file", { file_id: id });
    await deleted;
    expect((await client.listResources()).resources.some((r) => r.uri === `xai://files/${id}`)).toBe(false);
    const gone = await rpcError(client.readResource({ uri: `xai://files/${id}` }));
    expect(gone.code).toBe(-32002);
    expect(gone.message).toContain(id);
  });

  it("a read-only call or a failed upload sends no notification", async () => {
    const before = listChangedCount;
    await ok("files_list_files", {});
    const failed = await callTool(client, "files_upload_file", { init: { name: "a/b" }, text: "x" });
    expect(failed.isError).toBe(true);
    // A later upload's notification is the next one: nothing came in between.
    const changed = nextListChanged();
    await upload("marker.txt", { text: "m" });
    await changed;
    expect(listChangedCount).toBe(before + 1);
  });

  it("files: an image reads as a blob with its media type; above the inline limit, a save_to hint", async () => {
    const png = await upload("dot.png", { content_base64: PNG_1X1 });
    const image = await client.readResource({ uri: `xai://files/${png}` });
    expect(image.contents).toEqual([{ uri: `xai://files/${png}`, mimeType: "image/png", blob: PNG_1X1 }]);

    const big = await upload("big.txt", { text: "x".repeat(1024 * 1024 + 10) });
    const hint = await client.readResource({ uri: `xai://files/${big}` });
    expect(hint.contents).toHaveLength(1);
    expect(hint.contents[0]?.mimeType).toBe("text/plain");
    const text = textOf(hint);
    expect(text).toContain("files_retrieve_file_content");
    expect(text).toContain("save_to");
    expect(text).toContain(big);
    expect(text.length).toBeLessThan(1000);

    const mid = await upload("mid.txt", { text: "y".repeat(200 * 1024) });
    expect(textOf(await client.readResource({ uri: `xai://files/${mid}` }))).toContain("save_to");
  });

  it("resources/list pages the files with the MCP cursor, the most recent first", async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 51; i++) ids.add(await upload(`page-${i}.txt`, { text: `file ${i}` }));
    const first = await client.listResources();
    expect(first.nextCursor).toBeTruthy();
    expect(first.resources[0]?.uri).toBe("xai://models");
    const files = first.resources.slice(1);
    expect(files).toHaveLength(50);
    expect(files[0]?.name).toBe("page-50.txt");
    const second = await client.listResources({ cursor: first.nextCursor });
    expect(second.resources.some((r) => r.uri === "xai://models")).toBe(false);
    const seen = [...files, ...second.resources].map((r) => r.uri);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of ids) expect(seen).toContain(`xai://files/${id}`);

    const bad = await rpcError(client.listResources({ cursor: "not-a-cursor" }));
    expect(bad.code).toBe(-32602);
    expect(bad.message).toContain("not-a-cursor");
  });

  it("xai://chat/stored/{response_id}: a stored completion as JSON with its answer", async () => {
    const answer = await ok("chat_get_completion", {
      model: "grok-4",
      messages: [{ role: "user", content: "Remember the word lighthouse." }],
      store_messages: true,
    });
    const id = String(answer.id);
    const uri = `xai://chat/stored/${id}`;
    const read = await client.readResource({ uri });
    expect(read.contents.map((c) => [c.uri, c.mimeType])).toEqual([
      [uri, "application/json"],
      [uri, "text/markdown"],
    ]);
    expect(JSON.parse(textOf(read))).toMatchObject({ id, model: "grok-4" });
    expect(textOf(read, 1)).toContain(`id ${id}`);
  });

  it("xai://batches/{batch_id} and its results as JSONL", async () => {
    const batch = await ok("batch_create_batch", { name: "resource test" });
    const batchId = String(batch.batch_id);
    await ok("batch_add_batch_requests", {
      batch_id: batchId,
      batch_requests: [
        {
          batch_request_id: "q1",
          completion_request: { model: "grok-4", messages: [{ role: "user", content: "one" }] },
        },
        {
          batch_request_id: "q2",
          completion_request: { model: "grok-9", messages: [{ role: "user", content: "two" }] },
        },
      ],
    });
    // The emulator processes batches in the background: poll until it is done.
    let state: Json = {};
    for (let i = 0; i < 100; i++) {
      const read = await client.readResource({ uri: `xai://batches/${batchId}` });
      const json = JSON.parse(textOf(read)) as Json;
      state = json.state as Json;
      expect(json.batch_id).toBe(batchId);
      expect(textOf(read, 1)).toContain(`Batch ${batchId}`);
      if (Number(state.num_pending ?? 0) === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(state).toMatchObject({ num_requests: "2", num_success: "1", num_error: "1" });

    const results = await client.readResource({ uri: `xai://batches/${batchId}/results` });
    expect(results.contents).toHaveLength(1);
    expect(results.contents[0]?.mimeType).toBe("application/jsonl");
    const lines = textOf(results)
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Json);
    expect(lines.map((l) => l.batch_request_id).sort()).toEqual(["q1", "q2"]);
    const failed = lines.find((l) => l.batch_request_id === "q2");
    expect(failed?.error).toMatchObject({ status: "NOT_FOUND" });
  });

  it("xai://collections/{collection_id}: metadata and documents", async () => {
    const created = await ok("collections_create_collection", { collection_name: "resource docs" });
    const collectionId = String(created.collection_id);
    const fileId = await upload("harbour.txt", { text: "The harbour has a lighthouse." });
    await ok("collections_add_document_to_collection", { collection_id: collectionId, file_id: fileId });
    const read = await client.readResource({ uri: `xai://collections/${collectionId}` });
    const json = JSON.parse(textOf(read)) as { collection: Json; documents: Json[] };
    expect(json.collection).toMatchObject({ collection_id: collectionId, collection_name: "resource docs" });
    expect(json.documents.map((d) => (d.file_metadata as Json).file_id)).toEqual([fileId]);
    expect(textOf(read, 1)).toContain("1 documents");
  });

  it("an unknown id is a JSON-RPC error naming the id, for every template; an unknown URI too", async () => {
    const uris = [
      ["xai://files/file-nope", "file-nope"],
      ["xai://chat/stored/resp-nope", "resp-nope"],
      ["xai://batches/batch-nope", "batch-nope"],
      ["xai://batches/batch-nope/results", "batch-nope"],
      ["xai://collections/col-nope", "col-nope"],
    ];
    for (const [uri, id] of uris as [string, string][]) {
      const e = await rpcError(client.readResource({ uri }));
      expect(e.code, uri).toBe(-32002);
      expect(e.message, uri).toContain(`"${id}"`);
      expect(e.message, uri).toContain("NOT_FOUND");
      expect(e.message, "no doubled prefix").not.toMatch(/MCP error -32002: MCP error/);
    }
    for (const uri of ["xai://nothing/here", "https://example.com/", "xai://files/"]) {
      const e = await rpcError(client.readResource({ uri }));
      expect(e.code, uri).toBe(-32002);
      expect(e.message).toContain(uri);
    }
  });
});

describe("completions", () => {
  const complete = async (
    ref: { type: "ref/prompt"; name: string } | { type: "ref/resource"; uri: string },
    name: string,
    value: string,
  ) => (await client.complete({ ref, argument: { name, value } })).completion;
  const prompt = (name: string) => ({ type: "ref/prompt" as const, name });
  const template = (uri: string) => ({ type: "ref/resource" as const, uri });

  it("model names from the catalog, by prefix", async () => {
    const language = await complete(prompt("ask_grok"), "model", "grok-3");
    expect(language.values).toEqual(["grok-3-mini", "grok-3-mini-beta", "grok-3-mini-latest"]);
    expect((await complete(prompt("grok_search"), "model", "")).values).toContain("grok-code-fast-1");
    expect((await complete(prompt("grok_second_opinion"), "model", "GROK-4-F")).values[0]).toBe(
      "grok-4-fast",
    );
    const image = await complete(prompt("grok_image"), "model", "grok-imagine");
    expect(image.values).toEqual(["grok-imagine-image", "grok-imagine-image-latest"]);
  });

  it("enum values: reasoning effort, aspect ratios, search sources", async () => {
    const efforts = ReasoningEffortSchema.values
      .filter((v) => v.number !== 0)
      .map((v) => v.name.replace(/^EFFORT_/, "").toLowerCase());
    expect(efforts).toEqual(expect.arrayContaining(["low", "medium", "high"]));
    expect((await complete(prompt("ask_grok"), "reasoning_effort", "")).values).toEqual(efforts);
    expect((await complete(prompt("ask_grok"), "reasoning_effort", "hi")).values).toEqual(["high"]);
    const ratios = await complete(prompt("grok_image"), "aspect_ratio", "");
    expect(ratios.values).toEqual(
      expect.arrayContaining(["1:1", "16:9", "9:16", "auto", "19.5:9", "9:19.5"]),
    );
    expect((await complete(prompt("grok_image"), "aspect_ratio", "16")).values).toEqual(["16:9"]);
    expect((await complete(prompt("grok_search"), "sources", "w")).values).toEqual(["web", "web,x"]);
  });

  it("arguments without values complete to nothing; unknown prompts, templates and arguments are refused", async () => {
    expect((await complete(prompt("ask_grok"), "question", "wh")).values).toEqual([]);
    expect((await complete(template("xai://chat/stored/{response_id}"), "response_id", "")).values).toEqual(
      [],
    );
    for (const p of [
      client.complete({ ref: prompt("nope"), argument: { name: "model", value: "" } }),
      client.complete({ ref: prompt("ask_grok"), argument: { name: "nope", value: "" } }),
      client.complete({ ref: template("xai://nope/{id}"), argument: { name: "id", value: "" } }),
      client.complete({ ref: template("xai://files/{file_id}"), argument: { name: "batch_id", value: "" } }),
    ]) {
      expect((await rpcError(p)).code).toBe(-32602);
    }
  });

  it("file, batch and collection ids from the account by prefix; a new upload shows at once", async () => {
    const files = await complete(template("xai://files/{file_id}"), "file_id", "file-");
    expect(files.values.length).toBeGreaterThan(0);
    expect(files.values.length).toBeLessThanOrEqual(100);
    for (const v of files.values) expect(v.startsWith("file-")).toBe(true);
    // The ids are cached a few seconds, but a successful upload clears the cache.
    const fresh = await upload("fresh.txt", { text: "fresh" });
    expect((await complete(template("xai://files/{file_id}"), "file_id", fresh)).values).toEqual([fresh]);
    expect((await complete(template("xai://files/{file_id}"), "file_id", "zzz")).values).toEqual([]);

    const batchId = String((await ok("batch_create_batch", { name: "completion" })).batch_id);
    for (const uri of ["xai://batches/{batch_id}", "xai://batches/{batch_id}/results"]) {
      expect((await complete(template(uri), "batch_id", batchId)).values).toEqual([batchId]);
    }
    const collectionId = String(
      (await ok("collections_create_collection", { collection_name: "c" })).collection_id,
    );
    expect(
      (await complete(template("xai://collections/{collection_id}"), "collection_id", collectionId)).values,
    ).toEqual([collectionId]);
  });
});
