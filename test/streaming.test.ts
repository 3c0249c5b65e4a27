import { create, fromJson, type JsonObject } from "@bufbuild/protobuf";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { GetCompletionsRequestSchema } from "../gen/xai/api/v1/chat_pb.js";
import { callWithProgress, type EmulatorSession, startEmulatorSession } from "./support/emulator-session.js";
import { callTool, firstText } from "./support/mcp-client.js";

const CHUNK_PATH = "/xai_api.Chat/GetCompletionChunk";

type Json = Record<string, unknown>;
const user = (text: string) => ({ role: "ROLE_USER", content: [{ text }] });
const chatArgs = (extra: Json = {}): Json => ({
  model: "grok-4-fast",
  messages: [user("Tell me about streaming rivers.")],
  ...extra,
});
const outputs = (r: CallToolResult) => (r.structuredContent as { outputs: Json[] }).outputs;
const contentOf = (o: Json | undefined) => ((o?.message as Json | undefined)?.content as string) ?? "";
/** What a stream must reproduce of the unary answer (ids and timestamps differ per call). */
const view = (r: CallToolResult) => {
  const s = r.structuredContent as Json;
  return { outputs: s.outputs, usage: s.usage, citations: s.citations, model: s.model };
};
const increasing = (values: number[]) => values.every((v, i) => i === 0 || v > (values[i - 1] as number));

let session: EmulatorSession;

beforeAll(async () => {
  session = await startEmulatorSession();
});
afterAll(async () => {
  await session?.close();
});
afterEach(() => {
  session.emu.context.faults.clear();
});

describe("chat_get_completion_chunk", () => {
  it("sends one progress notification per chunk, in order, with the text delta as message", async () => {
    const args = chatArgs();
    const chunks = await session.emu.context.chat.completeChunks(
      create(GetCompletionsRequestSchema, fromJson(GetCompletionsRequestSchema, args as JsonObject)),
    );
    const { result, progress } = await callWithProgress(
      session.mcp.client,
      "chat_get_completion_chunk",
      args,
    );

    expect(result.isError ?? false).toBe(false);
    expect(chunks.length).toBeGreaterThan(5);
    expect(progress).toHaveLength(chunks.length);
    expect(increasing(progress.map((p) => p.progress))).toBe(true);
    const deltas = chunks.map((c) => c.outputs[0]?.delta?.content ?? "");
    expect(progress.map((p) => p.message ?? "")).toEqual(deltas);
    // The final text is the concatenation of what was streamed, byte for byte.
    const streamed = progress.map((p) => p.message ?? "").join("");
    expect(streamed.length).toBeGreaterThan(0);
    expect(contentOf(outputs(result)[0])).toBe(streamed);
    expect(firstText(result).startsWith(streamed)).toBe(true);
  });

  it.each([
    ["a plain answer", {}],
    ["a reasoning model", { model: "grok-3-mini" }],
    ["n = 2 cut by max_tokens", { n: 2, max_tokens: 30 }],
    [
      "a required function call",
      {
        tools: [
          {
            function: {
              name: "lookup",
              parameters: JSON.stringify({
                type: "object",
                properties: { term: { type: "string" } },
                required: ["term"],
              }),
            },
          },
        ],
        tool_choice: { mode: "TOOL_MODE_REQUIRED" },
      },
    ],
    ["web search citations", { tools: [{ web_search: {} }] }],
    ["log probabilities", { logprobs: true, top_logprobs: 2 }],
  ])("aggregates to what chat_get_completion returns: %s", async (_name, extra) => {
    const args = chatArgs(extra);
    const unary = await callTool(session.mcp.client, "chat_get_completion", args);
    const streamed = await callWithProgress(session.mcp.client, "chat_get_completion_chunk", args);
    const plain = await callTool(session.mcp.client, "chat_get_completion_chunk", args);
    expect(unary.isError ?? false).toBe(false);
    expect(streamed.result.isError ?? false).toBe(false);
    expect(view(streamed.result)).toEqual(view(unary));
    // Without a progress token the same answer comes back.
    expect(view(plain)).toEqual(view(unary));
  });

  it("keeps n > 1 outputs apart, labelling each output's deltas", async () => {
    const args = chatArgs({ n: 3, max_tokens: 25 });
    const { result, progress } = await callWithProgress(
      session.mcp.client,
      "chat_get_completion_chunk",
      args,
    );
    const outs = outputs(result);
    expect(outs.map((o) => o.index ?? 0)).toEqual([0, 1, 2]);
    const perIndex = new Map<number, string>();
    for (const p of progress) {
      const m = /^\[output (\d+)\] ([\s\S]*)$/.exec(p.message ?? "");
      if (!m) continue;
      perIndex.set(Number(m[1]), (perIndex.get(Number(m[1])) ?? "") + m[2]);
    }
    for (const o of outs) expect(perIndex.get(Number(o.index ?? 0))).toBe(contentOf(o));
    expect(new Set(outs.map(contentOf)).size).toBe(3);
    expect(firstText(result)).toContain("[output 2]");
  });

  it("returns everything received so far and the status when the stream breaks midway", async () => {
    session.emu.context.faults.set(CHUNK_PATH, {
      breakStreamAfter: 4,
      status: 13,
      message: "backend went away",
    });
    const { result, progress } = await callWithProgress(
      session.mcp.client,
      "chat_get_completion_chunk",
      chatArgs(),
    );
    expect(result.isError).toBe(true);
    expect(progress).toHaveLength(4);
    const received = progress.map((p) => p.message ?? "").join("");
    expect(received.length).toBeGreaterThan(0);
    const text = firstText(result);
    expect(text).toContain("INTERNAL");
    expect(text).toContain("backend went away");
    expect(text).toContain("broke after 4 chunks");
    expect(text).toContain(received);
    const s = result.structuredContent as { error: Json; partial: { outputs: Json[] } };
    expect(s.error.status).toBe("INTERNAL");
    expect(contentOf(s.partial.outputs[0])).toBe(received);
  });

  it("reports a stream that fails before its first chunk as a plain error", async () => {
    session.emu.context.faults.set(CHUNK_PATH, { failNext: 1, status: 8, message: "slow down" });
    const result = await callTool(session.mcp.client, "chat_get_completion_chunk", chatArgs());
    expect(result.isError).toBe(true);
    expect(firstText(result)).toContain("RESOURCE_EXHAUSTED");
    expect((result.structuredContent as Json).partial).toBeUndefined();
  });
});

describe("sample_sample_text_streaming", () => {
  const sampleArgs = (extra: Json = {}): Json => ({
    model: "grok-3-mini",
    prompt: ["Once upon a time"],
    ...extra,
  });

  it("aggregates to what sample_sample_text returns, and streams the text as progress", async () => {
    const unary = await callTool(session.mcp.client, "sample_sample_text", sampleArgs({ max_tokens: 40 }));
    const { result, progress } = await callWithProgress(
      session.mcp.client,
      "sample_sample_text_streaming",
      sampleArgs({ max_tokens: 40 }),
    );
    expect(result.isError ?? false).toBe(false);
    const pick = (r: CallToolResult) => {
      const s = r.structuredContent as Json;
      return { choices: s.choices, usage: s.usage, model: s.model };
    };
    expect(pick(result)).toEqual(pick(unary));
    expect(progress.length).toBeGreaterThan(3);
    expect(increasing(progress.map((p) => p.progress))).toBe(true);
    const text = ((result.structuredContent as { choices: Json[] }).choices[0]?.text as string) ?? "";
    expect(progress.map((p) => p.message ?? "").join("")).toBe(text);
    expect(firstText(result).startsWith(text)).toBe(true);
  });

  it("keeps the choices of several prompts and n apart", async () => {
    const args = sampleArgs({ prompt: ["Once upon a time", "The river"], n: 2, max_tokens: 12 });
    const unary = await callTool(session.mcp.client, "sample_sample_text", args);
    const { result, progress } = await callWithProgress(
      session.mcp.client,
      "sample_sample_text_streaming",
      args,
    );
    const choices = (result.structuredContent as { choices: Json[] }).choices;
    expect(choices.map((c) => c.index ?? 0)).toEqual([0, 1, 2, 3]);
    expect(choices).toEqual((unary.structuredContent as { choices: Json[] }).choices);
    const perIndex = new Map<number, string>();
    for (const p of progress) {
      const m = /^\[output (\d+)\] ([\s\S]*)$/.exec(p.message ?? "");
      if (m) perIndex.set(Number(m[1]), (perIndex.get(Number(m[1])) ?? "") + m[2]);
    }
    for (const c of choices) expect(perIndex.get(Number(c.index ?? 0))).toBe(c.text);
  });
});

describe("stored conversations", () => {
  it("shows the id to continue from, continues, fetches and deletes it", async () => {
    const first = await callWithProgress(
      session.mcp.client,
      "chat_get_completion_chunk",
      chatArgs({ store_messages: true }),
    );
    const id = (first.result.structuredContent as Json).id as string;
    expect(id).toBeTruthy();
    expect(firstText(first.result)).toContain(`"previous_response_id": "${id}"`);

    const next = await callTool(session.mcp.client, "chat_get_completion", {
      model: "grok-4-fast",
      messages: [user("And lakes?")],
      previous_response_id: id,
      store_messages: true,
    });
    expect(next.isError ?? false).toBe(false);
    const nextId = (next.structuredContent as Json).id as string;
    expect(firstText(next)).toContain(`"previous_response_id": "${nextId}"`);

    const unstored = await callTool(session.mcp.client, "chat_get_completion", chatArgs());
    expect(firstText(unstored)).not.toContain("previous_response_id");

    const stored = await callTool(session.mcp.client, "chat_get_stored_completion", { response_id: id });
    expect(stored.isError ?? false).toBe(false);
    expect(outputs(stored)).toEqual(outputs(first.result));
    expect(firstText(stored)).toContain(`"previous_response_id": "${id}"`);

    const deleted = await callTool(session.mcp.client, "chat_delete_stored_completion", { response_id: id });
    expect(deleted.isError ?? false).toBe(false);
    expect(firstText(deleted)).toContain(`Deleted stored response ${id}`);
    expect(deleted.structuredContent).toEqual({ response_id: id });

    const gone = await callTool(session.mcp.client, "chat_get_stored_completion", { response_id: id });
    expect(gone.isError).toBe(true);
    expect(firstText(gone)).toContain("NOT_FOUND");
  });
});
