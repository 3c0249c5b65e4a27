/**
 * Choosing the tools: --toolsets, --tools, --exclude-tools and --read-only (and their environment
 * variables), from the parsed configuration through the listing to calls over stdio.
 */
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCommand, UsageError } from "../src/config.js";
import { allToolNames, buildTools } from "../src/tools/registry.js";
import { ALL_TOOLS, selectTools, TOOLSETS, type ToolSelection } from "../src/tools/selection.js";
import { SERVICES } from "../src/tools/services.js";
import { callTool, firstText, type McpSession, startMcpServer } from "./support/mcp-client.js";

const WRITE_OPTIONS = ["save_to", "output_path", "store_messages", "overwrite", "append"];

const selection = (s: Partial<ToolSelection>): ToolSelection => ({ ...ALL_TOOLS, ...s });
const names = (s: Partial<ToolSelection>, management = true) =>
  buildTools({ management, selection: selection(s) }).map((t) => t.tool.name);

/** Every property name anywhere in a schema. */
function propertyNames(schema: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) for (const s of schema) propertyNames(s, out);
  else if (schema && typeof schema === "object") {
    const props = (schema as { properties?: Record<string, unknown> }).properties;
    if (props) for (const k of Object.keys(props)) out.add(k);
    for (const v of Object.values(schema)) propertyNames(v, out);
  }
  return out;
}

describe("the toolsets", () => {
  it("are the services' short names", () => {
    expect([...TOOLSETS]).toEqual(SERVICES.map((s) => s.short));
  });
});

describe("selectTools", () => {
  const all = allToolNames();

  it("keeps every tool by default", () => {
    expect(names({})).toEqual(all);
    expect(all).toHaveLength(51);
  });

  it("keeps the chosen toolsets, adds single tools and removes excluded ones", () => {
    expect(names({ toolsets: ["models"] })).toEqual([
      "models_list_language_models",
      "models_list_embedding_models",
      "models_list_image_generation_models",
      "models_get_language_model",
      "models_get_embedding_model",
      "models_get_image_generation_model",
    ]);
    const lean = names({
      toolsets: ["chat", "models"],
      tools: ["tokenize_tokenize_text"],
      excludeTools: ["chat_compact_context", "models_get_embedding_model"],
    });
    expect(lean.filter((n) => !n.startsWith("chat_") && !n.startsWith("models_"))).toEqual([
      "tokenize_tokenize_text",
    ]);
    expect(lean).not.toContain("chat_compact_context");
    expect(lean).not.toContain("models_get_embedding_model");
    expect(lean).toContain("chat_get_completion");
    expect(names({ excludeTools: ["auth_get_api_key_info"] })).toEqual(
      all.filter((n) => n !== "auth_get_api_key_info"),
    );
  });

  it("filters any list of tools by the same rules (Tool objects or definitions)", () => {
    const tools = buildTools({ management: true }).map((t) => t.tool);
    const picked = selectTools<Tool>(tools, selection({ toolsets: ["auth"] }));
    expect(picked.map((t) => t.name)).toEqual(["auth_get_api_key_info"]);
  });

  it("in read-only mode keeps exactly the tools whose readOnlyHint is true, without write options", () => {
    const tools = buildTools({ management: true, selection: selection({ readOnly: true }) });
    expect(tools.map((t) => t.tool.name).sort()).toEqual(
      [
        "auth_get_api_key_info",
        "batch_get_batch",
        "batch_get_batch_request_result",
        "batch_list_batch_request_metadata",
        "batch_list_batch_results",
        "batch_list_batches",
        "chat_compact_context",
        "chat_get_completion",
        "chat_get_completion_chunk",
        "chat_get_deferred_completion",
        "chat_get_stored_completion",
        "collections_batch_get_documents",
        "collections_get_collection_metadata",
        "collections_get_document_metadata",
        "collections_list_collections",
        "collections_list_documents",
        "documents_search",
        "embedder_embed",
        "files_list_files",
        "files_retrieve_file",
        "files_retrieve_file_content",
        "models_get_embedding_model",
        "models_get_image_generation_model",
        "models_get_language_model",
        "models_list_embedding_models",
        "models_list_image_generation_models",
        "models_list_language_models",
        "sample_sample_text",
        "sample_sample_text_streaming",
        "tokenize_tokenize_text",
        "video_get_deferred_video",
      ].sort(),
    );
    for (const { tool } of tools) {
      expect(tool.annotations?.readOnlyHint, tool.name).toBe(true);
      const props = propertyNames(tool.inputSchema);
      for (const option of WRITE_OPTIONS)
        expect(props.has(option), `${tool.name} offers ${option}`).toBe(false);
    }
  });

  it("describes writing tools honestly when every tool is offered", () => {
    const tools = buildTools({ management: true });
    for (const name of [
      "chat_get_completion",
      "video_get_deferred_video",
      "files_retrieve_file_content",
      "batch_list_batch_results",
    ]) {
      const tool = tools.find((t) => t.tool.name === name)?.tool;
      expect(tool?.annotations?.readOnlyHint, name).toBe(false);
    }
  });
});

describe("configuration", () => {
  const serve = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    const command = parseCommand(argv, env);
    if (command.kind !== "serve") throw new Error(`expected serve, got ${command.kind}`);
    return command.config.selection;
  };

  it("reads the flags, the environment, and flags over the environment", () => {
    expect(serve([])).toEqual(ALL_TOOLS);
    expect(serve([], { XAI_TOOLSETS: "chat, image", XAI_TOOLS: "models_list_language_models" })).toEqual(
      selection({ toolsets: ["chat", "image"], tools: ["models_list_language_models"] }),
    );
    expect(serve(["--toolsets", "video"], { XAI_TOOLSETS: "chat" }).toolsets).toEqual(["video"]);
    expect(serve(["--toolsets", "all"], { XAI_TOOLSETS: "chat" }).toolsets).toBe("all");
    expect(serve(["--exclude-tools", "a_b,c_d"]).excludeTools).toEqual(["a_b", "c_d"]);
    expect(serve(["--read-only"]).readOnly).toBe(true);
    expect(serve([], { XAI_READ_ONLY: "1" }).readOnly).toBe(true);
    expect(serve([], { XAI_READ_ONLY: "0" }).readOnly).toBe(false);
  });

  it("refuses an unknown toolset, listing the valid ones", () => {
    expect(() => serve(["--toolsets", "chat,imgae"])).toThrow(UsageError);
    expect(() => serve(["--toolsets", "chat,imgae"])).toThrow(
      /unknown toolset "imgae".*valid toolsets: all, chat, image, video, models/,
    );
    expect(() => serve([], { XAI_READ_ONLY: "yes please" })).toThrow(/XAI_READ_ONLY/);
  });
});

describe("over stdio", () => {
  let lean: McpSession;
  let readOnly: McpSession;

  beforeAll(async () => {
    [lean, readOnly] = await Promise.all([
      startMcpServer({}, [
        "--emulator",
        "--toolsets",
        "chat,models",
        "--exclude-tools",
        "chat_compact_context",
      ]),
      startMcpServer({ XAI_READ_ONLY: "1", XAI_TOOLSETS: "chat,files,batch,video" }, ["--emulator"]),
    ]);
  });

  afterAll(async () => {
    await Promise.all([lean?.close(), readOnly?.close()]);
  });

  it("lists only the selected tools, and calls them", async () => {
    const listed = (await lean.client.listTools()).tools.map((t) => t.name);
    expect(listed).toEqual(names({ toolsets: ["chat", "models"], excludeTools: ["chat_compact_context"] }));
    expect(listed.every((n) => n.startsWith("chat_") || n.startsWith("models_"))).toBe(true);
    const result = await callTool(lean.client, "models_get_language_model", { name: "grok-4" });
    expect(result.isError ?? false).toBe(false);
  });

  it("treats a tool left out as unknown", async () => {
    await expect(callTool(lean.client, "image_generate_image", { prompt: "x", model: "m" })).rejects.toThrow(
      'unknown tool "image_generate_image"',
    );
  });

  it("in read-only mode, lists no write option and refuses one sent anyway", async () => {
    const tools = (await readOnly.client.listTools()).tools;
    expect(tools.map((t) => t.name)).not.toContain("chat_start_deferred_completion");
    expect(tools.map((t) => t.name)).not.toContain("files_delete_file");
    expect(tools.map((t) => t.name)).toContain("files_retrieve_file_content");
    for (const tool of tools) {
      expect(tool.annotations?.readOnlyHint, tool.name).toBe(true);
      for (const option of WRITE_OPTIONS) expect(propertyNames(tool.inputSchema).has(option)).toBe(false);
    }
    const stored = await callTool(readOnly.client, "chat_get_completion", {
      model: "grok-4",
      messages: [{ role: "user", content: "Hi" }],
      store_messages: true,
    });
    expect(stored.isError).toBe(true);
    expect(firstText(stored)).toContain("store_messages: not available, the server runs read-only");
    const saved = await callTool(readOnly.client, "files_retrieve_file_content", {
      file_id: "f",
      save_to: "x",
    });
    expect(saved.isError).toBe(true);
    expect(firstText(saved)).toContain("save_to: not available");
    const written = await callTool(readOnly.client, "batch_list_batch_results", {
      batch_id: "b",
      output_path: "out.jsonl",
    });
    expect(firstText(written)).toContain("output_path: not available");
    const plain = await callTool(readOnly.client, "chat_get_completion", {
      model: "grok-4",
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(plain.isError ?? false).toBe(false);
  });
});
