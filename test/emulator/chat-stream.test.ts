import { describe, expect, it } from "vitest";
import { Chat, type GetChatCompletionChunk, MessageRole, ToolMode } from "../../gen/xai/api/v1/chat_pb.js";
import { FinishReason } from "../../gen/xai/api/v1/sample_pb.js";
import { useEmulator } from "../support/emulator-fixture.js";
import { accumulate, msg, outputView } from "./chat-support.js";

const fx = useEmulator();

const CHUNK_PATH = "/xai_api.Chat/GetCompletionChunk";

function request(extra: Record<string, unknown> = {}) {
  return {
    model: "grok-3-mini",
    messages: [
      msg(MessageRole.ROLE_SYSTEM, "Be brief."),
      msg(MessageRole.ROLE_USER, "Tell me about streaming."),
    ],
    ...extra,
  };
}

async function collect(extra: Record<string, unknown> = {}): Promise<GetChatCompletionChunk[]> {
  const chunks: GetChatCompletionChunk[] = [];
  for await (const c of fx.client.serverStream(Chat.method.getCompletionChunk, request(extra)))
    chunks.push(c);
  return chunks;
}

describe("GetCompletionChunk", () => {
  it("streams the unary answer in several chunks that accumulate to it exactly (n = 1)", async () => {
    const unary = await fx.client.unary(Chat.method.getCompletion, request());
    const chunks = await collect();
    expect(chunks.length).toBeGreaterThan(5);
    const { outputs, usage, citations } = accumulate(chunks);
    expect([...outputs.keys()]).toEqual([0]);
    expect(outputs.get(0)).toEqual(outputView(unary.outputs[0] ?? ({} as never)));
    expect(outputs.get(0)?.reasoningContent.length).toBeGreaterThan(0);
    expect(usage).toEqual(unary.usage);
    expect(citations).toEqual([]);
    for (const c of chunks) {
      expect(c.model).toBe("grok-3-mini");
      expect(c.id).toBe(chunks[0]?.id);
      expect(c.systemFingerprint).toBe(unary.systemFingerprint);
    }
    // The role on every chunk (clients take each chunk's), the finish reason only on the last.
    expect(chunks.every((c) => c.outputs[0]?.delta?.role === MessageRole.ROLE_ASSISTANT)).toBe(true);
    expect(chunks.map((c) => c.outputs[0]?.finishReason ?? 0).filter(Boolean)).toEqual([
      FinishReason.REASON_STOP,
    ]);
    expect(chunks.at(-1)?.outputs[0]?.finishReason).toBe(FinishReason.REASON_STOP);
    // Usage is cumulative: never decreasing, complete on the last chunk.
    const totals = chunks.map((c) => c.usage?.totalTokens ?? -1);
    expect(totals.every((t, i) => i === 0 || t >= (totals[i - 1] ?? 0))).toBe(true);
    expect(chunks[0]?.usage?.promptTokens).toBe(unary.usage?.promptTokens);
    expect(totals[0]).toBeLessThan(unary.usage?.totalTokens ?? 0);
  });

  it("interleaves the outputs of n = 2, each accumulating to its unary output", async () => {
    const unary = await fx.client.unary(
      Chat.method.getCompletion,
      request({ n: 2, model: "grok-4-fast", maxTokens: 40 }),
    );
    const chunks = await collect({ n: 2, model: "grok-4-fast", maxTokens: 40 });
    expect(chunks.slice(0, 4).map((c) => c.outputs[0]?.index)).toEqual([0, 1, 0, 1]);
    const { outputs, usage } = accumulate(chunks);
    expect(outputs.get(0)).toEqual(outputView(unary.outputs[0] ?? ({} as never)));
    expect(outputs.get(1)).toEqual(outputView(unary.outputs[1] ?? ({} as never)));
    expect(outputs.get(0)?.finishReason).toBe(FinishReason.REASON_MAX_LEN);
    expect(outputs.get(0)?.content).not.toBe(outputs.get(1)?.content);
    expect(usage).toEqual(unary.usage);
    for (const index of [0, 1]) {
      const mine = chunks.filter((c) => c.outputs[0]?.index === index);
      expect(mine.every((c) => c.outputs[0]?.delta?.role === MessageRole.ROLE_ASSISTANT)).toBe(true);
      expect(mine.slice(0, -1).every((c) => !c.outputs[0]?.finishReason)).toBe(true);
    }
  });

  it("streams each chunk's log probabilities, which join up to the unary ones", async () => {
    const extra = { model: "grok-4-fast", logprobs: true, topLogprobs: 2 };
    const unary = await fx.client.unary(Chat.method.getCompletion, request(extra));
    const chunks = await collect(extra);
    const streamed = chunks.flatMap((c) => c.outputs[0]?.logprobs?.content ?? []);
    expect(streamed).toEqual(unary.outputs[0]?.logprobs?.content);
    for (const c of chunks) {
      const tokens = (c.outputs[0]?.logprobs?.content ?? []).map((e) => e.token).join("");
      expect(tokens).toBe(c.outputs[0]?.delta?.content ?? "");
    }
  });

  it("sends a tool call whole in one chunk", async () => {
    const tools = [
      {
        tool: {
          case: "function",
          value: {
            name: "lookup",
            parameters: JSON.stringify({
              type: "object",
              properties: { term: { type: "string" } },
              required: ["term"],
            }),
          },
        },
      },
    ];
    const extra = {
      model: "grok-4-fast",
      tools,
      toolChoice: { toolChoice: { case: "mode", value: ToolMode.REQUIRED } },
    };
    const unary = await fx.client.unary(Chat.method.getCompletion, request(extra));
    const chunks = await collect(extra);
    const withCalls = chunks.filter((c) => (c.outputs[0]?.delta?.toolCalls.length ?? 0) > 0);
    expect(withCalls).toHaveLength(1);
    const { outputs, usage } = accumulate(chunks);
    expect(outputs.get(0)).toEqual(outputView(unary.outputs[0] ?? ({} as never)));
    expect(outputs.get(0)?.finishReason).toBe(FinishReason.REASON_TOOL_CALLS);
    expect(usage).toEqual(unary.usage);
  });

  it("puts citations on the last chunk only", async () => {
    const extra = { model: "grok-4-fast", tools: [{ tool: { case: "webSearch", value: {} } }] };
    const unary = await fx.client.unary(Chat.method.getCompletion, request(extra));
    expect(unary.citations.length).toBe(3);
    expect(unary.usage?.numSourcesUsed).toBe(3);
    const chunks = await collect(extra);
    expect(chunks.slice(0, -1).every((c) => c.citations.length === 0)).toBe(true);
    expect(chunks.at(-1)?.citations).toEqual(unary.citations);
    expect(accumulate(chunks).usage).toEqual(unary.usage);
  });

  it("stops when the fx.client cancels mid-stream, and the emulator logs the cancel", async () => {
    fx.emu.context.chat.streamChunkDelayMs = 25;
    try {
      const controller = new AbortController();
      const ended = fx.emu.context.log.nextEnd(CHUNK_PATH);
      let received = 0;
      const error = await (async () => {
        for await (const _ of fx.client.serverStream(Chat.method.getCompletionChunk, request(), {
          signal: controller.signal,
        })) {
          received += 1;
          if (received === 2) controller.abort();
        }
      })().then(
        () => undefined,
        (e: unknown) => e,
      );
      const record = await ended;
      expect(record.outcome).toBe("cancelled");
      expect(received).toBe(2);
      expect(error).toMatchObject({ status: "CANCELLED" });
    } finally {
      fx.emu.context.chat.streamChunkDelayMs = 2;
    }
  });
});
