import { create, type MessageInitShape, toJson } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../emulator/index.js";
import {
  type GetChatCompletionChunk,
  GetChatCompletionChunkSchema,
  GetChatCompletionResponseSchema,
  GetCompletionsRequestSchema,
  IncludeOption,
  MessageRole,
  ToolCallStatus,
  ToolCallType,
  ToolMode,
} from "../gen/xai/api/v1/chat_pb.js";
import {
  FinishReason,
  type SampleTextResponse,
  SampleTextResponseSchema,
} from "../gen/xai/api/v1/sample_pb.js";
import { ChatAccumulator } from "../src/tools/aggregate/chat-accumulator.js";
import { SampleAccumulator } from "../src/tools/aggregate/sample-accumulator.js";
import { progressMessages } from "../src/tools/handlers/stream-handler.js";

const chunk = (init: MessageInitShape<typeof GetChatCompletionChunkSchema>): GetChatCompletionChunk =>
  create(GetChatCompletionChunkSchema, init);
const sampleChunk = (init: MessageInitShape<typeof SampleTextResponseSchema>): SampleTextResponse =>
  create(SampleTextResponseSchema, init);
const call = (id: string, name: string) => ({ id, function: { name, arguments: "{}" } });
const json = (r: ReturnType<ChatAccumulator["result"]>) =>
  toJson(GetChatCompletionResponseSchema, r, { useProtoFieldName: true }) as Record<string, unknown>;

describe("ChatAccumulator", () => {
  it("concatenates the text fields of one output and returns each chunk's answer text", () => {
    const acc = new ChatAccumulator();
    const deltas = [
      acc.add(
        chunk({
          id: "r1",
          model: "m",
          outputs: [{ index: 0, delta: { role: MessageRole.ROLE_ASSISTANT, reasoningContent: "think " } }],
        }),
      ),
      acc.add(
        chunk({ outputs: [{ index: 0, delta: { reasoningContent: "more", encryptedContent: "e1" } }] }),
      ),
      acc.add(chunk({ outputs: [{ index: 0, delta: { content: "Hel", encryptedContent: "e2" } }] })),
      acc.add(chunk({ outputs: [{ index: 0, delta: { content: "lo ☃ " } }] })),
      acc.add(
        chunk({
          outputs: [{ index: 0, delta: { content: "world" }, finishReason: FinishReason.REASON_STOP }],
        }),
      ),
    ];
    expect(deltas.map((d) => d.map((x) => x.text).join(""))).toEqual(["", "", "Hel", "lo ☃ ", "world"]);
    const r = acc.result();
    expect(acc.chunks).toBe(5);
    expect(r.id).toBe("r1");
    expect(r.model).toBe("m");
    expect(r.outputs).toHaveLength(1);
    const o = r.outputs[0];
    expect(o?.message?.content).toBe("Hello ☃ world");
    expect(o?.message?.reasoningContent).toBe("think more");
    expect(o?.message?.encryptedContent).toBe("e1e2");
    expect(o?.message?.role).toBe(MessageRole.ROLE_ASSISTANT);
    expect(o?.finishReason).toBe(FinishReason.REASON_STOP);
  });

  it("keeps role and finish reason once set (unset never erases)", () => {
    const acc = new ChatAccumulator();
    acc.add(chunk({ outputs: [{ index: 0, delta: { role: MessageRole.ROLE_ASSISTANT, content: "a" } }] }));
    acc.add(chunk({ outputs: [{ index: 0, delta: { content: "b" } }] }));
    acc.add(chunk({ outputs: [{ index: 0, delta: {}, finishReason: FinishReason.REASON_MAX_LEN }] }));
    const outputs = acc.result().outputs;
    expect(outputs).toHaveLength(1);
    expect(outputs[0]?.message?.role).toBe(MessageRole.ROLE_ASSISTANT);
    expect(outputs[0]?.finishReason).toBe(FinishReason.REASON_MAX_LEN);
    expect(outputs[0]?.message?.content).toBe("ab");
  });

  it("starts the next output of an index after a finish reason or on another role (agentic traces)", () => {
    const acc = new ChatAccumulator();
    const call = (status: ToolCallStatus) => ({
      id: "call_1",
      type: ToolCallType.WEB_SEARCH_TOOL,
      status,
      tool: { case: "function" as const, value: { name: "web_search", arguments: '{"query":"otters"}' } },
    });
    const role = MessageRole.ROLE_ASSISTANT;
    const steps = [
      acc.add(
        chunk({ outputs: [{ index: 0, delta: { role, toolCalls: [call(ToolCallStatus.IN_PROGRESS)] } }] }),
      ),
      acc.add(
        chunk({
          outputs: [
            {
              index: 0,
              delta: { role, toolCalls: [call(ToolCallStatus.COMPLETED)] },
              finishReason: FinishReason.REASON_TOOL_CALLS,
            },
          ],
        }),
      ),
      acc.add(
        chunk({ outputs: [{ index: 0, delta: { role: MessageRole.ROLE_TOOL, content: '{"found":1}' } }] }),
      ),
      acc.add(chunk({ outputs: [{ index: 0, delta: { role, content: "Otters " } }] })),
      acc.add(
        chunk({
          outputs: [{ index: 0, delta: { role, content: "swim." }, finishReason: FinishReason.REASON_STOP }],
        }),
      ),
    ];
    // A closing chunk with nothing to add (only usage) starts no output.
    acc.add(chunk({ outputs: [{ index: 0, delta: { role } }], usage: { totalTokens: 9 } }));
    const outputs = acc.result().outputs;
    expect(outputs.map((o) => [o.index, o.message?.role, o.finishReason])).toEqual([
      [0, MessageRole.ROLE_ASSISTANT, FinishReason.REASON_TOOL_CALLS],
      [0, MessageRole.ROLE_TOOL, FinishReason.REASON_INVALID],
      [0, MessageRole.ROLE_ASSISTANT, FinishReason.REASON_STOP],
    ]);
    // The call sent again with the same id replaced the in-progress one.
    expect(outputs[0]?.message?.toolCalls.map((c) => c.status)).toEqual([ToolCallStatus.COMPLETED]);
    expect(outputs[2]?.message?.content).toBe("Otters swim.");
    // Only assistant text is answer text; the calls come back as activity lines.
    expect(steps.flat().map((d) => d.text)).toEqual(["", "", "", "Otters ", "swim."]);
    expect(acc.result().usage?.totalTokens).toBe(9);
    expect(steps.flat().flatMap((d) => d.activity ?? [])).toEqual([
      'web_search: {"query":"otters"} (in progress)',
      'web_search: {"query":"otters"} (completed)',
    ]);
  });

  it("appends tool calls, inline citations and log probabilities in order", () => {
    const acc = new ChatAccumulator();
    acc.add(
      chunk({
        outputs: [
          {
            index: 0,
            delta: {
              content: "x",
              toolCalls: [call("c1", "f")],
              citations: [
                {
                  id: "1",
                  startIndex: 0,
                  endIndex: 1,
                  citation: { case: "webCitation", value: { url: "https://a" } },
                },
              ],
            },
            logprobs: { content: [{ token: "x", logprob: -0.5 }] },
          },
        ],
      }),
    );
    acc.add(
      chunk({
        outputs: [
          {
            index: 0,
            delta: {
              content: "y",
              toolCalls: [call("c2", "g"), call("c3", "h")],
              citations: [
                {
                  id: "2",
                  startIndex: 1,
                  endIndex: 2,
                  citation: { case: "xCitation", value: { url: "https://x" } },
                },
              ],
            },
            logprobs: { content: [{ token: "y", logprob: -0.25 }] },
          },
        ],
      }),
    );
    const m = acc.result().outputs[0]?.message;
    expect(m?.toolCalls.map((c) => c.id)).toEqual(["c1", "c2", "c3"]);
    expect(m?.citations.map((c) => c.id)).toEqual(["1", "2"]);
    expect(acc.result().outputs[0]?.logprobs?.content.map((l) => l.token)).toEqual(["x", "y"]);
  });

  it("keeps usage, citations and output files of the last chunk that carries them", () => {
    const acc = new ChatAccumulator();
    acc.add(
      chunk({
        usage: { promptTokens: 10, completionTokens: 1, totalTokens: 11 },
        outputs: [{ index: 0, delta: { content: "a" } }],
      }),
    );
    acc.add(
      chunk({
        usage: { promptTokens: 10, completionTokens: 2, totalTokens: 12 },
        outputs: [{ index: 0, delta: { content: "b" } }],
      }),
    );
    acc.add(
      chunk({
        usage: { promptTokens: 10, completionTokens: 3, totalTokens: 13, numSourcesUsed: 2 },
        citations: ["https://a", "https://b"],
        outputFiles: [{ fileId: "file-1", name: "plot.png" }],
        outputs: [{ index: 0, delta: { content: "c" }, finishReason: FinishReason.REASON_STOP }],
      }),
    );
    const r = acc.result();
    expect(r.usage?.completionTokens).toBe(3);
    expect(r.usage?.totalTokens).toBe(13);
    expect(r.citations).toEqual(["https://a", "https://b"]);
    expect(r.outputFiles.map((f) => f.fileId)).toEqual(["file-1"]);
  });

  it("keeps interleaved outputs (n > 1) apart and returns them in index order", () => {
    const acc = new ChatAccumulator();
    const seen = [
      acc.add(chunk({ outputs: [{ index: 1, delta: { content: "B1" } }] })),
      acc.add(chunk({ outputs: [{ index: 0, delta: { content: "A1" } }] })),
      acc.add(
        chunk({
          outputs: [{ index: 1, delta: { content: "B2" }, finishReason: FinishReason.REASON_MAX_LEN }],
        }),
      ),
      acc.add(
        chunk({ outputs: [{ index: 0, delta: { content: "A2" }, finishReason: FinishReason.REASON_STOP }] }),
      ),
    ];
    expect(seen.flat()).toEqual([
      { index: 1, text: "B1" },
      { index: 0, text: "A1" },
      { index: 1, text: "B2" },
      { index: 0, text: "A2" },
    ]);
    const r = acc.result();
    expect(r.outputs.map((o) => [o.index, o.message?.content, o.finishReason])).toEqual([
      [0, "A1A2", FinishReason.REASON_STOP],
      [1, "B1B2", FinishReason.REASON_MAX_LEN],
    ]);
  });

  it("keeps the outputs of a multi-index chunk (agentic streams) apart", () => {
    const acc = new ChatAccumulator();
    acc.add(chunk({ outputs: [{ index: 0, delta: { content: "lead " } }] }));
    const d = acc.add(
      chunk({
        outputs: [
          { index: 0, delta: { content: "answer" } },
          { index: 2, delta: { toolCalls: [call("s1", "web_search")] } },
          { index: 1, delta: { reasoningContent: "agent one thinks" } },
        ],
      }),
    );
    expect(d).toEqual([
      { index: 0, text: "answer" },
      { index: 2, text: "" },
      { index: 1, text: "" },
    ]);
    const r = acc.result();
    expect(r.outputs.map((o) => o.index)).toEqual([0, 1, 2]);
    expect(r.outputs[0]?.message?.content).toBe("lead answer");
    expect(r.outputs[1]?.message?.reasoningContent).toBe("agent one thinks");
    expect(r.outputs[2]?.message?.toolCalls.map((c) => c.id)).toEqual(["s1"]);
  });

  it("returns a copy: later chunks do not change a result already taken", () => {
    const acc = new ChatAccumulator();
    acc.add(chunk({ outputs: [{ index: 0, delta: { content: "a" } }] }));
    const early = acc.result();
    acc.add(chunk({ outputs: [{ index: 0, delta: { content: "b" } }] }));
    expect(early.outputs[0]?.message?.content).toBe("a");
    expect(acc.result().outputs[0]?.message?.content).toBe("ab");
  });

  it("gives an empty response before any chunk", () => {
    const acc = new ChatAccumulator();
    expect(acc.chunks).toBe(0);
    expect(json(acc.result())).toEqual({});
  });
});

describe("ChatAccumulator against the emulator's own streams", () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(async () => {
    await emu.close();
  });

  const user = (text: string) => ({
    role: MessageRole.ROLE_USER,
    content: [{ content: { case: "text" as const, value: text } }],
  });
  const CASES: Record<string, MessageInitShape<typeof GetCompletionsRequestSchema>> = {
    plain: { model: "grok-4-fast", messages: [user("Tell me about rivers.")] },
    "reasoning with encrypted content": {
      model: "grok-3-mini",
      messages: [user("Why is the sky blue?")],
      useEncryptedContent: true,
    },
    "n = 3 cut by max_tokens": {
      model: "grok-4-fast",
      messages: [user("Name colours.")],
      n: 3,
      maxTokens: 12,
    },
    "log probabilities": { model: "grok-4-fast", messages: [user("Count.")], logprobs: true, topLogprobs: 2 },
    "a required function call": {
      model: "grok-4-fast",
      messages: [user("Look up otters.")],
      tools: [
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
      ],
      toolChoice: { toolChoice: { case: "mode", value: ToolMode.REQUIRED } },
    },
    "web search citations": {
      model: "grok-4-fast",
      messages: [user("News on otters?")],
      tools: [{ tool: { case: "webSearch", value: {} } }],
    },
    "an agentic trace: rounds, included tool outputs, inline citations, verbose streaming": {
      model: "grok-4",
      messages: [user("What is new in gRPC?")],
      tools: [
        { tool: { case: "webSearch", value: {} } },
        { tool: { case: "xSearch", value: {} } },
        { tool: { case: "codeExecution", value: {} } },
      ],
      parallelToolCalls: false,
      include: [
        IncludeOption.WEB_SEARCH_CALL_OUTPUT,
        IncludeOption.CODE_EXECUTION_CALL_OUTPUT,
        IncludeOption.INLINE_CITATIONS,
        IncludeOption.VERBOSE_STREAMING,
      ],
    },
  };

  it.each(Object.entries(CASES))("rebuilds the unary answer exactly: %s", async (_name, init) => {
    const request = create(GetCompletionsRequestSchema, init);
    const unary = await emu.context.chat.complete(request);
    const chunks = await emu.context.chat.completeChunks(request);
    const acc = new ChatAccumulator();
    let streamed = "";
    for (const c of chunks) for (const d of acc.add(c)) if (d.index === 0) streamed += d.text;
    const r = acc.result();
    expect(chunks.length).toBeGreaterThan(0);
    const view = (x: typeof r) => {
      const j = json(x);
      return { outputs: j.outputs, usage: j.usage, citations: j.citations, model: j.model };
    };
    expect(view(r)).toEqual(view(unary));
    const answer = unary.outputs
      .filter((o) => o.index === 0 && o.message?.role === MessageRole.ROLE_ASSISTANT)
      .at(-1);
    expect(streamed).toBe(answer?.message?.content);
  });
});

describe("SampleAccumulator", () => {
  it("concatenates each choice's fragments and keeps choices apart", () => {
    const acc = new SampleAccumulator();
    acc.add(
      sampleChunk({
        id: "s",
        model: "m",
        choices: [
          { index: 0, text: "Once" },
          { index: 1, text: "It" },
        ],
      }),
    );
    acc.add(
      sampleChunk({
        choices: [
          { index: 1, text: " was", finishReason: FinishReason.REASON_MAX_LEN },
          { index: 0, text: " upon" },
        ],
      }),
    );
    const d = acc.add(
      sampleChunk({
        usage: { promptTokens: 3, completionTokens: 4, totalTokens: 7 },
        choices: [{ index: 0, text: " a time", finishReason: FinishReason.REASON_STOP }],
      }),
    );
    expect(d).toEqual([{ index: 0, text: " a time" }]);
    const r = acc.result();
    expect(r.id).toBe("s");
    expect(r.choices.map((c) => [c.index, c.text, c.finishReason])).toEqual([
      [0, "Once upon a time", FinishReason.REASON_STOP],
      [1, "It was", FinishReason.REASON_MAX_LEN],
    ]);
    expect(r.usage?.totalTokens).toBe(7);
  });
});

describe("progress messages of a chunk", () => {
  it("carry the exact text of a single-output stream", () => {
    expect(progressMessages([{ index: 0, text: " hello\n" }], false)).toEqual([" hello\n"]);
  });
  it("are one message-less notification when the chunk has no answer text", () => {
    expect(progressMessages([{ index: 0, text: "" }], false)).toEqual([undefined]);
    expect(progressMessages([], false)).toEqual([undefined]);
  });
  it("label each output when there are several", () => {
    expect(progressMessages([{ index: 0, text: "a" }], true)).toEqual(["[output 0] a"]);
    expect(
      progressMessages(
        [
          { index: 0, text: "a" },
          { index: 1, text: "" },
          { index: 2, text: "c" },
        ],
        false,
      ),
    ).toEqual(["[output 0] a", "[output 2] c"]);
    expect(progressMessages([{ index: 3, text: "d" }], false)).toEqual(["[output 3] d"]);
  });
});
