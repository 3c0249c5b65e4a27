import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../emulator/index.js";
import { Files } from "../gen/xai/api/v1/files_pb.js";
import { XaiClient } from "../src/grpc/xai-client.js";
import { Logger } from "../src/log.js";
import { createMcpServer } from "../src/server.js";
import { buildTools } from "../src/tools/registry.js";
import type { ToolDefinition } from "../src/tools/tool.js";
import { until } from "./support/emulator-session.js";
import { rpcCode, rpcError } from "./support/mcp-client.js";

// The tool selection decides what prompts and resources are offered. These tests build the server
// in-process with a filtered tool list (as the selection flags produce) against a real emulator.

let emu: RunningEmulator;
let xai: XaiClient;
let all: ToolDefinition[];
const open: (() => Promise<void>)[] = [];

beforeAll(async () => {
  emu = await startEmulator();
  xai = new XaiClient({
    api: { host: emu.url, key: emu.context.config.apiKey },
    management: { host: emu.url, key: emu.context.config.managementKey },
    timeoutMs: 10_000,
  });
  all = buildTools({ management: true });
});

afterAll(async () => {
  for (const close of open) await close();
  xai?.close();
  await emu?.close();
});

/** A client connected to a server that lists only the tools `keep` accepts. */
async function serverWith(
  keep: (t: ToolDefinition) => boolean,
  secrets: readonly string[] = [],
  tools: readonly ToolDefinition[] = all,
): Promise<Client> {
  const server = createMcpServer({
    client: xai,
    tools: tools.filter(keep),
    logger: new Logger("error"),
    secrets,
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: "selection-tests", version: "0.0.0" });
  await client.connect(clientSide);
  open.push(() => client.close());
  return client;
}

const byService =
  (...services: string[]) =>
  (t: ToolDefinition) =>
    services.some((s) => t.tool.name.startsWith(`${s}_`));

describe("the tool selection decides the prompts and resources", () => {
  it("image tools only: grok_image alone, no chat prompts, no resources", async () => {
    const client = await serverWith(byService("image"));
    expect((await client.listPrompts()).prompts.map((p) => p.name)).toEqual(["grok_image"]);
    expect(await rpcCode(client.getPrompt({ name: "ask_grok", arguments: { question: "q" } }))).toBe(-32602);
    expect(
      await rpcCode(
        client.complete({
          ref: { type: "ref/prompt", name: "ask_grok" },
          argument: { name: "model", value: "" },
        }),
      ),
    ).toBe(-32602);
    const ratios = await client.complete({
      ref: { type: "ref/prompt", name: "grok_image" },
      argument: { name: "aspect_ratio", value: "1" },
    });
    expect(ratios.completion.values).toContain("1:1");
    expect((await client.listResources()).resources).toEqual([]);
    expect((await client.listResourceTemplates()).resourceTemplates).toEqual([]);
    expect(await rpcCode(client.readResource({ uri: "xai://models" }))).toBe(-32002);
  });

  it("chat tools only: the three chat prompts and the stored-completion template", async () => {
    const client = await serverWith(byService("chat"));
    expect((await client.listPrompts()).prompts.map((p) => p.name)).toEqual([
      "ask_grok",
      "grok_search",
      "grok_second_opinion",
    ]);
    expect((await client.listResourceTemplates()).resourceTemplates.map((t) => t.name)).toEqual([
      "stored_completion",
    ]);
    // Model names still complete from the catalog: they are what the prompt takes.
    const models = await client.complete({
      ref: { type: "ref/prompt", name: "ask_grok" },
      argument: { name: "model", value: "grok-4" },
    });
    expect(models.completion.values).toContain("grok-4-fast");
  });

  it("read-only tools: no grok_image, no file content or batch results, no file entries", async () => {
    const client = await serverWith((t) => t.tool.annotations?.readOnlyHint === true);
    expect((await client.listPrompts()).prompts.map((p) => p.name)).not.toContain("grok_image");
    const templates = (await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate);
    expect(templates).not.toContain("xai://files/{file_id}");
    expect(templates).not.toContain("xai://batches/{batch_id}/results");
    expect(templates).toContain("xai://batches/{batch_id}");
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(["xai://models"]);
    expect(await rpcCode(client.readResource({ uri: "xai://files/file-1" }))).toBe(-32002);
  });

  it("without the management key: no collection template, and its URIs are unknown", async () => {
    const client = await serverWith(() => true, [], buildTools({ management: false }));
    const templates = (await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate);
    expect(templates).toHaveLength(4);
    expect(templates).not.toContain("xai://collections/{collection_id}");
    expect(await rpcCode(client.readResource({ uri: "xai://collections/c-1" }))).toBe(-32002);
    expect(
      await rpcCode(
        client.complete({
          ref: { type: "ref/resource", uri: "xai://collections/{collection_id}" },
          argument: { name: "collection_id", value: "" },
        }),
      ),
    ).toBe(-32602);
  });

  it("the models resource shows only the kinds whose list tools are listed", async () => {
    const client = await serverWith((t) => t.tool.name === "models_list_embedding_models");
    const read = await client.readResource({ uri: "xai://models" });
    const first = read.contents[0];
    const catalog = JSON.parse(first && "text" in first ? first.text : "{}") as Record<string, unknown[]>;
    expect(catalog.embedding).toHaveLength(1);
    expect(catalog.language).toEqual([]);
  });
});

describe("reads share the tools' redaction", () => {
  it("a secret inside a file's content or name never leaves the server", async () => {
    const secret = "sk-test-secret-value";
    const file = await xai.clientStream(Files.method.uploadFile, [
      { chunk: { case: "init", value: { name: `${secret}.txt` } } },
      { chunk: { case: "data", value: new TextEncoder().encode(`the key is ${secret}`) } },
    ]);
    const client = await serverWith(() => true, [secret]);
    const read = await client.readResource({ uri: `xai://files/${file.id}` });
    expect(JSON.stringify(read)).not.toContain(secret);
    expect(JSON.stringify(read)).toContain("[redacted]");
    const listed = await client.listResources();
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect(listed.resources.some((r) => r.uri === `xai://files/${file.id}`)).toBe(true);
  });
});

describe("reads fail and cancel like tool calls", () => {
  const GET_BATCH = "/xai_api.BatchMgmt/GetBatch";
  afterEach(() => emu.context.faults.clear());

  it("a gRPC failure carries the tools' text: status, xAI's message, what to do", async () => {
    const client = await serverWith(() => true);
    emu.context.faults.set(GET_BATCH, { failNext: 1, status: 8 });
    const exhausted = await rpcError(client.readResource({ uri: "xai://batches/batch-x" }));
    expect(exhausted.code).toBe(-32603);
    expect(exhausted.message).toContain("RESOURCE_EXHAUSTED");
    expect(exhausted.message).toContain("What to do:");
    expect(exhausted.data).toMatchObject({ status: "RESOURCE_EXHAUSTED" });
    emu.context.faults.set(GET_BATCH, { failNext: 1, status: 3 });
    expect((await rpcError(client.readResource({ uri: "xai://batches/batch-x" }))).code).toBe(-32602);
    emu.context.faults.set("/xai_api.Files/ListFiles", { failNext: 1, status: 8 });
    const listed = await rpcError(
      client.complete({
        ref: { type: "ref/resource", uri: "xai://files/{file_id}" },
        argument: { name: "file_id", value: "" },
      }),
    );
    expect(listed.message).toContain("RESOURCE_EXHAUSTED");
  });

  it("a cursor this server did not give is refused", async () => {
    const client = await serverWith(() => true);
    expect((await rpcError(client.listResources({ cursor: "files:" }))).code).toBe(-32602);
    expect((await rpcError(client.listResources({ cursor: "batches:abc" }))).code).toBe(-32602);
  });

  it("cancelling a read cancels its gRPC call", async () => {
    const client = await serverWith(() => true);
    emu.context.faults.set(GET_BATCH, { stall: true });
    const before = emu.context.log.records(GET_BATCH).length;
    const ended = emu.context.log.nextEnd(GET_BATCH);
    const controller = new AbortController();
    const read = client.readResource({ uri: "xai://batches/batch-x" }, { signal: controller.signal });
    await until(() => emu.context.log.records(GET_BATCH).length > before, 5000, "the read");
    controller.abort();
    await expect(read).rejects.toThrow();
    expect((await ended).outcome).toBe("cancelled");
  });
});
