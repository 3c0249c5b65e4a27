import { fromJson, type JsonObject, toJson } from "@bufbuild/protobuf";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CHAT_ANSWER, UNARY_CALLS, type UnaryCall } from "./fixtures/unary-calls.js";
import { callTool, firstText, type McpSession, startMcpServer } from "./support/mcp-client.js";
import { RecordingServer, UNARY_METHODS } from "./support/recording-server.js";

const API_KEY = "xai-test-api-key-4Qm8Zr2Lp";
const MANAGEMENT_KEY = "xai-test-management-key-7Hd3Wk";
/** The contract's `_meta` key naming a tool's gRPC method. */
const RPC_META = "xai-grpc-mcp/rpc";

const isCollections = (c: UnaryCall) => c.path.startsWith("/collections.");
const canonical = (schema: Parameters<typeof fromJson>[0], json: JsonObject) =>
  toJson(schema, fromJson(schema, json), { useProtoFieldName: true });

/** The tools of the streaming RPCs, in listing order; their own tests live elsewhere. */
const STREAMING_TOOLS = [
  "chat_get_completion_chunk",
  "sample_sample_text_streaming",
  "files_upload_file",
  "files_retrieve_file_content",
];

describe("the unary fixtures", () => {
  it("cover each of the 47 unary RPCs exactly once", () => {
    expect(UNARY_METHODS.size).toBe(47);
    expect(UNARY_CALLS.map((c) => c.path).sort()).toEqual([...UNARY_METHODS.keys()].sort());
  });

  it.each(UNARY_CALLS)("$tool is written in the canonical JSON form", (c) => {
    const method = UNARY_METHODS.get(c.path);
    if (!method) throw new Error(`no unary method ${c.path}`);
    // Otherwise a failure below would blame the server for a fixture's spelling.
    expect(canonical(method.input, c.request)).toStrictEqual(c.received ?? c.request);
    expect(canonical(method.output, c.response)).toStrictEqual(c.response);
  });
});

describe("every unary tool through a stdio MCP client against a gRPC server", () => {
  let server: RecordingServer;
  let mcp: McpSession;

  beforeAll(async () => {
    server = await RecordingServer.start({ apiKey: API_KEY, managementKey: MANAGEMENT_KEY });
    for (const c of UNARY_CALLS) server.respond(c.path, c.response);
    mcp = await startMcpServer({
      XAI_API_KEY: API_KEY,
      XAI_API_HOST: server.url,
      XAI_MANAGEMENT_KEY: MANAGEMENT_KEY,
      XAI_MANAGEMENT_API_HOST: server.url,
    });
  });

  afterAll(async () => {
    await mcp?.close();
    await server?.close();
  });

  beforeEach(() => server.reset());

  it("lists the 47 unary tools, each naming its RPC, beside the 4 streaming ones", async () => {
    const { tools } = await mcp.client.listTools();
    const paths = new Set(UNARY_CALLS.map((c) => c.path));
    const unary = tools.filter((t) => paths.has(String(t._meta?.[RPC_META])));
    const listed = Object.fromEntries(unary.map((t) => [t.name, t._meta?.[RPC_META]]));
    expect(listed).toStrictEqual(Object.fromEntries(UNARY_CALLS.map((c) => [c.tool, c.path])));
    expect(tools.filter((t) => !unary.includes(t)).map((t) => t.name)).toStrictEqual(STREAMING_TOOLS);
  });

  it.each(UNARY_CALLS)("$tool sends the arguments field for field and returns the answer", async (c) => {
    const result = await callTool(mcp.client, c.tool, c.request);

    expect(server.calls.map((r) => [r.path, r.authenticated])).toStrictEqual([[c.path, true]]);
    expect(server.calls[0]?.json).toStrictEqual(c.received ?? c.request);

    expect(result.isError ?? false).toBe(false);
    expect(result.structuredContent).toStrictEqual(c.returned ?? c.response);
    expect(result.content[0]?.type).toBe("text");
    expect(firstText(result).length).toBeGreaterThan(0);
  });

  it("shows a chat answer as the assistant's text first", async () => {
    const chat = UNARY_CALLS.find((c) => c.tool === "chat_get_completion");
    const result = await callTool(mcp.client, "chat_get_completion", chat?.request ?? {});
    expect(firstText(result).startsWith(`${CHAT_ANSWER}\n`)).toBe(true);
  });
});

describe("without a management key", () => {
  let server: RecordingServer;
  let mcp: McpSession;

  beforeAll(async () => {
    server = await RecordingServer.start({ apiKey: API_KEY, managementKey: MANAGEMENT_KEY });
    mcp = await startMcpServer({ XAI_API_KEY: API_KEY, XAI_API_HOST: server.url });
  });

  afterAll(async () => {
    await mcp?.close();
    await server?.close();
  });

  it("lists the 34 unary tools outside Collections, and the 4 streaming ones", async () => {
    const { tools } = await mcp.client.listTools();
    const paths = new Set(UNARY_CALLS.map((c) => c.path));
    const unary = tools.filter((t) => paths.has(String(t._meta?.[RPC_META])));
    const listed = Object.fromEntries(unary.map((t) => [t.name, t._meta?.[RPC_META]]));
    const expected = UNARY_CALLS.filter((c) => !isCollections(c)).map((c) => [c.tool, c.path]);
    expect(listed).toStrictEqual(Object.fromEntries(expected));
    expect(tools).toHaveLength(34 + STREAMING_TOOLS.length);
  });
});
