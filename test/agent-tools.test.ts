import { readFileSync } from "node:fs";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Collections } from "../gen/xai/api/v1/collections_pb.js";
import type { XaiClient } from "../src/grpc/xai-client.js";
import { clientOf, untilIndexed, upload } from "./emulator/collections-helpers.js";
import { callWithProgress, type EmulatorSession, startEmulatorSession } from "./support/emulator-session.js";
import { callTool, firstText } from "./support/mcp-client.js";
import { type LoopbackMcpServer, startLoopbackMcpServer } from "./support/mcp-http-server.js";

type Json = Record<string, unknown>;
const user = (text: string) => ({ role: "ROLE_USER", content: [{ text }] });
const chatArgs = (question: string, extra: Json = {}): Json => ({
  model: "grok-4",
  messages: [user(question)],
  ...extra,
});
const structured = (r: CallToolResult) => r.structuredContent as Json;
const outputs = (r: CallToolResult) => structured(r).outputs as Json[];
const answerOf = (r: CallToolResult) => {
  const message = outputs(r).at(-1)?.message as Json | undefined;
  return (message?.content as string) ?? "";
};
/** What a stream must reproduce of the unary answer (ids and timestamps differ per call). */
const view = (r: CallToolResult) => {
  const s = structured(r);
  return { outputs: s.outputs, usage: s.usage, citations: s.citations, model: s.model };
};

let session: EmulatorSession;
let grpc: XaiClient;
let mcp: LoopbackMcpServer;

beforeAll(async () => {
  session = await startEmulatorSession();
  grpc = clientOf(session.emu);
  mcp = await startLoopbackMcpServer();
});
afterAll(async () => {
  grpc?.close();
  await session?.close();
  await mcp?.close();
});

const SEARCHES = { tools: [{ web_search: {} }, { x_search: { allowed_x_handles: ["xai"] } }] };

describe("chat results show what Grok did", () => {
  it("renders one line per server-side call, then the answer, then numbered citations; structuredContent keeps it all", async () => {
    const r = await callTool(
      session.mcp.client,
      "chat_get_completion",
      chatArgs("What are agent tools?", {
        ...SEARCHES,
        include: ["INLINE_CITATIONS", "WEB_SEARCH_CALL_OUTPUT"],
      }),
    );
    expect(r.isError ?? false).toBe(false);
    const text = firstText(r);
    const lines = text.split("\n");
    expect(lines[0]).toBe('[web_search] {"query":"What are agent tools?"} · completed');
    expect(lines[1]).toBe('[x_search] x_keyword_search {"query":"What are agent tools?"} · completed');
    expect(lines[2]).toContain("This is the xAI emulator");
    const citations = structured(r).citations as string[];
    expect(citations.length).toBeGreaterThan(1);
    expect(text).toContain(`Citations:\n${citations.map((c, i) => `${i + 1}. ${c}`).join("\n")}`);
    expect(text).toContain("server-side tools: web_search ×1, x_search ×1");
    // The answer's inline markers point at the same numbered sources.
    expect(answerOf(r)).toContain(`[[1]](${citations[0]})`);
    // The whole response: the trace output, the included tool output, the answer.
    expect(outputs(r).map((o) => (o.message as Json).role)).toEqual([
      "ROLE_ASSISTANT",
      "ROLE_TOOL",
      "ROLE_ASSISTANT",
    ]);
    expect((structured(r).usage as Json).server_side_tools_used).toEqual([
      "SERVER_SIDE_TOOL_WEB_SEARCH",
      "SERVER_SIDE_TOOL_X_SEARCH",
    ]);
    // The tool output stays in structuredContent, out of the text.
    expect(text).not.toContain("tool_call_id");
  });

  it("streams progress that names each server-side call under verbose streaming, answer text byte-exact", async () => {
    const args = chatArgs("What are agent tools?", { ...SEARCHES, include: ["VERBOSE_STREAMING"] });
    const unary = await callTool(session.mcp.client, "chat_get_completion", args);
    const { result, progress } = await callWithProgress(
      session.mcp.client,
      "chat_get_completion_chunk",
      args,
    );
    expect(result.isError ?? false).toBe(false);
    expect(view(result)).toEqual(view(unary));
    expect(firstText(result).split("\n— ")[0]).toBe(firstText(unary).split("\n— ")[0]);
    const messages = progress.map((p) => p.message ?? "");
    const activity = messages.filter((m) => /^(web_search|x_search):/.test(m));
    expect(activity).toEqual([
      'web_search: {"query":"What are agent tools?"} (in progress)',
      'web_search: {"query":"What are agent tools?"} (completed)',
      'x_search: x_keyword_search {"query":"What are agent tools?"} (in progress)',
      'x_search: x_keyword_search {"query":"What are agent tools?"} (completed)',
    ]);
    expect(messages.indexOf(activity[3] ?? "")).toBeLessThan(
      messages.findIndex(
        (m) =>
          m.startsWith("Hello") || m.startsWith("Hi") || m.startsWith("Greetings") || m.startsWith("Hey"),
      ),
    );
    // Every other message is answer text, exactly: together they are the answer.
    expect(messages.filter((m) => !activity.includes(m)).join("")).toBe(answerOf(unary));
  });

  it("names no tool activity in progress without verbose streaming", async () => {
    const args = chatArgs("What are agent tools?", SEARCHES);
    const unary = await callTool(session.mcp.client, "chat_get_completion", args);
    const { progress } = await callWithProgress(session.mcp.client, "chat_get_completion_chunk", args);
    expect(progress.map((p) => p.message ?? "").join("")).toBe(answerOf(unary));
  });

  it("renders the trace of deferred and stored completions the same way", async () => {
    const args = chatArgs("What are agent tools?", { ...SEARCHES, store_messages: true });
    const started = await callTool(session.mcp.client, "chat_start_deferred_completion", args);
    const id = structured(started).request_id as string;
    const done = await callTool(session.mcp.client, "chat_get_deferred_completion", {
      request_id: id,
      wait_seconds: 30,
    });
    const deferredText = firstText(done);
    expect(deferredText).toContain('\n[web_search] {"query":"What are agent tools?"} · completed\n');
    expect(deferredText).toContain("Citations:\n1. ");
    const responseId = ((structured(done).response as Json).id as string) ?? "";
    const stored = await callTool(session.mcp.client, "chat_get_stored_completion", {
      response_id: responseId,
    });
    const storedText = firstText(stored);
    expect(storedText).toContain('[x_search] x_keyword_search {"query":"What are agent tools?"} · completed');
    expect(storedText).toContain("Citations:\n1. ");
  });
});

describe("every server-side tool through the chat tools", () => {
  it("collections_search finds chunks of the emulator's collections and cites them", async () => {
    const fileId = await upload(grpc, "moon.txt", "Apollo 11 landed on the Moon in July 1969.");
    const { collectionId } = await grpc.unary(Collections.method.createCollection, {
      collectionName: "Moon",
    });
    await grpc.unary(Collections.method.addDocumentToCollection, { collectionId, fileId });
    await untilIndexed(grpc, collectionId, fileId);
    const r = await callTool(
      session.mcp.client,
      "chat_get_completion",
      chatArgs("When did Apollo land?", {
        tools: [{ collections_search: { collection_ids: [collectionId], limit: 2 } }],
      }),
    );
    const text = firstText(r);
    expect(text).toContain(
      `[collections_search] {"query":"When did Apollo land?","collection_ids":["${collectionId}"],"limit":2} · completed`,
    );
    expect(text).toContain(`Citations:\n1. collections://${collectionId}/files/${fileId}`);
    expect(text).toContain("collections_search found 1 chunk");
  });

  it("attachment_search reads the attached file", async () => {
    const fileId = await upload(grpc, "faq.txt", "Parking is free on Sundays.\n\nThe museum closes at six.");
    const r = await callTool(session.mcp.client, "chat_get_completion", {
      model: "grok-4",
      tools: [{ attachment_search: {} }],
      messages: [
        {
          role: "ROLE_USER",
          content: [{ text: "When does the museum close?" }, { file: { file_id: fileId } }],
        },
      ],
    });
    const text = firstText(r);
    expect(text).toContain("[attachment_search]");
    expect(text).toContain("attachment_search found 1 passage in 1 attached file");
  });

  it("code_execution and image_generation are emulated and say so", async () => {
    const r = await callTool(
      session.mcp.client,
      "chat_get_completion",
      chatArgs("Plot a chart", { tools: [{ code_execution: {} }, { image_generation: {} }] }),
    );
    const text = firstText(r);
    expect(text).toMatch(
      /^\[code_execution\] \{"code":"# emulated: the xAI emulator never runs code\\n.*"\} · completed$/m,
    );
    expect(text).toMatch(/^\[image_generation\] \{"prompt":"Plot a chart"\} · completed$/m);
    expect(text).toContain("code_execution was emulated (nothing was executed)");
    expect(text).toMatch(/Output files: generated-[0-9a-f]{8}\.png \(file-[0-9a-f]+\)/);
  });

  it("mcp calls a tool of a real Streamable HTTP MCP server, with the authorization given", async () => {
    const r = await callTool(
      session.mcp.client,
      "chat_get_completion",
      chatArgs("Where is my order? Use lookup_order.", {
        tools: [
          {
            mcp: {
              server_label: "orders",
              server_url: mcp.url,
              authorization: "Bearer t0k3n",
              allowed_tool_names: ["lookup_order"],
            },
          },
        ],
        include: ["MCP_CALL_OUTPUT"],
      }),
    );
    expect(r.isError ?? false).toBe(false);
    const text = firstText(r);
    expect(text).toMatch(/^\[mcp\] lookup_order \{"order_id":".*"\} · completed$/m);
    expect(text).toMatch(/mcp orders\.lookup_order returned: order .* has shipped/);
    expect(mcp.headers.at(-1)?.authorization).toBe("Bearer t0k3n");
    // The API key never leaves for the MCP server.
    expect(JSON.stringify(mcp.headers)).not.toContain(session.emu.context.config.apiKey);
  });

  it("shows a refused MCP tool as a failed call", async () => {
    const r = await callTool(
      session.mcp.client,
      "chat_get_completion",
      chatArgs("Run delete_everything", {
        tools: [
          { mcp: { server_label: "orders", server_url: mcp.url, allowed_tool_names: ["lookup_order"] } },
        ],
      }),
    );
    expect(firstText(r)).toMatch(
      /^\[mcp\] delete_everything \{\} · failed: tool "delete_everything" of MCP server "orders" is not in allowed_tool_names/m,
    );
  });

  it("answers an unknown collection and an unreachable MCP server as errors naming the status", async () => {
    const missing = await callTool(
      session.mcp.client,
      "chat_get_completion",
      chatArgs("hi", { tools: [{ collections_search: { collection_ids: ["collection-missing"] } }] }),
    );
    expect(missing.isError).toBe(true);
    expect(firstText(missing)).toContain("NOT_FOUND");
    expect(firstText(missing)).toContain('collection "collection-missing" does not exist');
    const down = await callTool(
      session.mcp.client,
      "chat_get_completion",
      chatArgs("hi", { tools: [{ mcp: { server_label: "gone", server_url: "http://127.0.0.1:1/mcp" } }] }),
    );
    expect(down.isError).toBe(true);
    expect(firstText(down)).toContain("INVALID_ARGUMENT");
    expect(firstText(down)).toContain('mcp server "gone" at http://127.0.0.1:1/mcp could not be reached');
  });

  it("bounds the rounds with max_turns through the tool", async () => {
    const r = await callTool(
      session.mcp.client,
      "chat_get_completion",
      chatArgs("gRPC", { tools: [{ web_search: {} }, { code_execution: {} }], max_turns: 1 }),
    );
    const text = firstText(r);
    expect(text).toContain("[web_search]");
    expect(text).not.toContain("[code_execution]");
    expect(text).toContain("max_turns 1 stopped 1 more planned call");
  });
});

describe("the README's agent tool examples", () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  const section = readme.slice(readme.indexOf("## Agent tools"), readme.indexOf("## The emulator"));
  const rows = [...section.matchAll(/^\| ([^|]+) \| `([^`]+)`/gm)].map((m) => ({
    tool: m[1]?.trim(),
    args: m[2] ?? "",
  }));

  it("has one example per server-side tool", () => {
    expect(rows.map((r) => r.tool)).toEqual([
      "Web search",
      "X search",
      "Code execution",
      "Collections search",
      "Attachment search",
      "Remote MCP server",
      "Image generation",
    ]);
  });

  it.each(["Web search", "X search", "Code execution", "Image generation"])(
    "%s works as written",
    async (tool) => {
      const row = rows.find((r) => r.tool === tool);
      const args = JSON.parse(`{${row?.args}}`) as Json;
      const r = await callTool(
        session.mcp.client,
        "chat_get_completion",
        chatArgs("What is new in gRPC?", args),
      );
      expect(r.isError ?? false).toBe(false);
      expect(firstText(r)).toMatch(/ · completed$/m);
    },
  );
});
