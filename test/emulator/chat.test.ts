import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import {
  Chat,
  FormatType,
  type GetCompletionsRequestSchema,
  MessageRole,
  ReasoningEffort,
  ToolCallStatus,
  ToolCallType,
  ToolMode,
} from "../../gen/xai/api/v1/chat_pb.js";
import { FinishReason } from "../../gen/xai/api/v1/sample_pb.js";
import { ServiceTier } from "../../gen/xai/api/v1/usage_pb.js";
import { Status } from "../../src/grpc/status.js";
import { useEmulator } from "../support/emulator-fixture.js";
import { msg, validate } from "./chat-support.js";

type Request = MessageInitShape<typeof GetCompletionsRequestSchema>;

const fx = useEmulator();

const QUESTION = "What is the capital of France?";
const complete = (request: Record<string, unknown>) =>
  fx.client.unary(Chat.method.getCompletion, {
    model: "grok-4-fast",
    messages: [msg(MessageRole.ROLE_USER, QUESTION)],
    ...request,
  } as Request);

const WEATHER_SCHEMA = {
  type: "object",
  properties: {
    location: {
      type: "object",
      properties: {
        city: { type: "string", minLength: 2 },
        country: { type: "string", enum: ["FR", "DE", "US"] },
      },
      required: ["city", "country"],
      additionalProperties: false,
    },
    unit: { type: "string", enum: ["celsius", "fahrenheit"] },
    days: { type: "integer", minimum: 3, maximum: 14 },
    ratio: { type: "number", exclusiveMinimum: 0, maximum: 1 },
    hourly: { type: "boolean" },
    tags: { type: "array", items: { type: "string" }, minItems: 2, uniqueItems: true },
  },
  required: ["location", "unit", "days", "tags"],
  additionalProperties: false,
};

const weatherTool = {
  tool: {
    case: "function",
    value: {
      name: "get_weather",
      description: "Weather forecast",
      parameters: JSON.stringify(WEATHER_SCHEMA),
    },
  },
} as const;
const timeTool = {
  tool: {
    case: "function",
    value: {
      name: "get_time",
      parameters: JSON.stringify({
        type: "object",
        properties: { zone: { type: "string" } },
        required: ["zone"],
      }),
    },
  },
} as const;

describe("GetCompletion", () => {
  it("answers with the canonical model, fingerprint, settings and usage consistent with the tokenizer", async () => {
    const before = fx.emu.context.now().getTime();
    const r = await complete({ model: "grok-4-fast-latest", temperature: 0.5, topP: 0.25, user: "u-1" });
    const { tokenizer, catalog } = fx.emu.context;
    const model = catalog.language("grok-4-fast");
    expect(r.id).toMatch(/^resp-[0-9a-f]{8}$/);
    expect(r.model).toBe("grok-4-fast");
    expect(r.systemFingerprint).toBe(model.systemFingerprint);
    expect(r.systemFingerprint).toContain("emulator");
    const created = r.created ? timestampDate(r.created).getTime() : 0;
    expect(created).toBeGreaterThanOrEqual(before - 1000);
    expect(created).toBeLessThanOrEqual(fx.emu.context.now().getTime() + 1000);
    expect(r.outputs).toHaveLength(1);
    const out = r.outputs[0];
    expect(out?.index).toBe(0);
    expect(out?.finishReason).toBe(FinishReason.REASON_STOP);
    expect(out?.message?.role).toBe(MessageRole.ROLE_ASSISTANT);
    const content = out?.message?.content ?? "";
    expect(content).toContain("xAI emulator");
    expect(content).toContain(QUESTION);
    expect(out?.message?.reasoningContent).toBe("");
    expect(r.usage?.promptTokens).toBe(tokenizer.count(QUESTION));
    expect(r.usage?.promptTextTokens).toBe(tokenizer.count(QUESTION));
    expect(r.usage?.completionTokens).toBe(tokenizer.count(content));
    expect(r.usage?.reasoningTokens).toBe(0);
    expect(r.usage?.totalTokens).toBe(tokenizer.count(QUESTION) + tokenizer.count(content));
    expect(r.usage?.costInUsdTicks).toBe(
      BigInt(tokenizer.count(QUESTION)) * model.promptTextTokenPrice +
        BigInt(tokenizer.count(content)) * model.completionTextTokenPrice,
    );
    expect(r.settings?.temperature).toBe(0.5);
    expect(r.settings?.topP).toBe(0.25);
    expect(r.settings?.user).toBe("u-1");
    expect(r.settings?.parallelToolCalls).toBe(true);
    expect(r.settings?.maxTokens).toBeUndefined();
    expect(r.serviceTier).toBe(ServiceTier.DEFAULT);
  });

  it("is deterministic per seed and words the reply differently for another seed", async () => {
    const a = await complete({ seed: 7 });
    const b = await complete({ seed: 7 });
    const c = await complete({ seed: 8 });
    expect(a.id).not.toBe(b.id);
    expect(b.outputs[0]?.message?.content).toBe(a.outputs[0]?.message?.content);
    expect(c.outputs[0]?.message?.content).not.toBe(a.outputs[0]?.message?.content);
  });

  it("gives n distinct outputs indexed 0..n-1, with usage summed over them", async () => {
    const r = await complete({ n: 4 });
    expect(r.outputs.map((o) => o.index)).toEqual([0, 1, 2, 3]);
    const texts = r.outputs.map((o) => o.message?.content ?? "");
    expect(new Set(texts).size).toBe(4);
    const sum = texts.reduce((n, t) => n + fx.emu.context.tokenizer.count(t), 0);
    expect(r.usage?.completionTokens).toBe(sum);
  });

  it("cuts at max_tokens with REASON_MAX_LEN and exactly that many tokens", async () => {
    const full = (await complete({})).outputs[0]?.message?.content ?? "";
    const r = await complete({ maxTokens: 7 });
    const content = r.outputs[0]?.message?.content ?? "";
    expect(r.outputs[0]?.finishReason).toBe(FinishReason.REASON_MAX_LEN);
    expect(fx.emu.context.tokenizer.count(content)).toBe(7);
    expect(r.usage?.completionTokens).toBe(7);
    expect(full.startsWith(content)).toBe(true);
    expect(r.settings?.maxTokens).toBe(7);
    // A limit above the answer's length changes nothing.
    const roomy = await complete({ maxTokens: 10_000 });
    expect(roomy.outputs[0]?.message?.content).toBe(full);
    expect(roomy.outputs[0]?.finishReason).toBe(FinishReason.REASON_STOP);
  });

  it("stops before the earliest stop sequence with REASON_STOP", async () => {
    const full = (await complete({})).outputs[0]?.message?.content ?? "";
    const r = await complete({ stop: ["capital", "emulator"] });
    const content = r.outputs[0]?.message?.content ?? "";
    expect(content).toBe(full.slice(0, full.indexOf("emulator")));
    expect(content.length).toBeGreaterThan(0);
    expect(r.outputs[0]?.finishReason).toBe(FinishReason.REASON_STOP);
    expect(r.usage?.completionTokens).toBe(fx.emu.context.tokenizer.count(content));
  });

  it("fills reasoning for reasoning models, longer with more effort, counted in usage", async () => {
    const { tokenizer } = fx.emu.context;
    const low = await complete({ model: "grok-3-mini", reasoningEffort: ReasoningEffort.EFFORT_LOW });
    const high = await complete({ model: "grok-3-mini", reasoningEffort: ReasoningEffort.EFFORT_HIGH });
    const lowText = low.outputs[0]?.message?.reasoningContent ?? "";
    const highText = high.outputs[0]?.message?.reasoningContent ?? "";
    expect(lowText).toContain("Emulated reasoning");
    expect(tokenizer.count(highText)).toBeGreaterThan(tokenizer.count(lowText));
    expect(high.usage?.reasoningTokens).toBe(tokenizer.count(highText));
    const u = high.usage;
    expect(u?.totalTokens).toBe(
      (u?.promptTokens ?? 0) + (u?.completionTokens ?? 0) + (u?.reasoningTokens ?? 0),
    );
    expect(high.settings?.reasoningEffort).toBe(ReasoningEffort.EFFORT_HIGH);
    const model = fx.emu.context.catalog.language("grok-3-mini");
    expect(u?.costInUsdTicks).toBe(
      BigInt(u?.promptTextTokens ?? 0) * model.promptTextTokenPrice +
        BigInt((u?.completionTokens ?? 0) + (u?.reasoningTokens ?? 0)) * model.completionTextTokenPrice,
    );
    const none = await complete({ model: "grok-4", reasoningEffort: ReasoningEffort.EFFORT_NONE });
    expect(none.outputs[0]?.message?.reasoningContent).toBe("");
    expect(none.usage?.reasoningTokens).toBe(0);
  });

  it("returns log probabilities per generated token when asked", async () => {
    const r = await complete({ logprobs: true, topLogprobs: 3 });
    const content = r.outputs[0]?.message?.content ?? "";
    const entries = r.outputs[0]?.logprobs?.content ?? [];
    expect(entries.map((e) => e.token)).toEqual(fx.emu.context.tokenizer.pieces(content));
    for (const e of entries) {
      expect(e.logprob).toBeLessThan(0);
      expect(Buffer.from(e.bytes).toString()).toBe(e.token);
      expect(e.topLogprobs).toHaveLength(3);
      expect(e.topLogprobs[0]?.token).toBe(e.token);
      expect(e.topLogprobs[1]?.logprob).toBeLessThan(e.logprob);
    }
    const plain = await complete({});
    expect(plain.outputs[0]?.logprobs).toBeUndefined();
  });

  it("returns reasoning as an opaque blob with use_encrypted_content", async () => {
    const r = await complete({ model: "grok-4", useEncryptedContent: true });
    const blob = r.outputs[0]?.message?.encryptedContent ?? "";
    expect(blob).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const decoded = Buffer.from(blob, "base64").toString();
    expect(JSON.parse(decoded.slice(decoded.indexOf("{"))).reasoning).toBe(
      r.outputs[0]?.message?.reasoningContent,
    );
  });
});

describe("function tools", () => {
  it("calls the forced function with arguments valid against its schema", async () => {
    const r = await complete({
      tools: [weatherTool, timeTool],
      toolChoice: { toolChoice: { case: "functionName", value: "get_weather" } },
    });
    const out = r.outputs[0];
    expect(out?.finishReason).toBe(FinishReason.REASON_TOOL_CALLS);
    expect(out?.message?.content).toBe("");
    expect(out?.message?.toolCalls).toHaveLength(1);
    const call = out?.message?.toolCalls[0];
    expect(call?.id).toMatch(/^call_[0-9a-f]{16}$/);
    expect(call?.type).toBe(ToolCallType.CLIENT_SIDE_TOOL);
    expect(call?.status).toBe(ToolCallStatus.COMPLETED);
    expect(call?.tool.case).toBe("function");
    const fn = call?.tool.value;
    expect(fn?.name).toBe("get_weather");
    const args = JSON.parse(fn?.arguments ?? "null");
    expect(validate(WEATHER_SCHEMA, args)).toEqual([]);
    expect(Object.keys(args).sort()).toEqual(["days", "hourly", "location", "ratio", "tags", "unit"]);
    const { tokenizer } = fx.emu.context;
    expect(r.usage?.completionTokens).toBe(
      tokenizer.count("get_weather") + tokenizer.count(fn?.arguments ?? ""),
    );
  });

  it("calls a tool under TOOL_MODE_REQUIRED, and gives each of n outputs its own call", async () => {
    const r = await complete({
      n: 2,
      tools: [timeTool, weatherTool],
      toolChoice: { toolChoice: { case: "mode", value: ToolMode.REQUIRED } },
    });
    const calls = r.outputs.map((o) => o.message?.toolCalls[0]);
    expect(calls.map((c) => (c?.tool.case === "function" ? c.tool.value.name : ""))).toEqual([
      "get_time",
      "get_time",
    ]);
    expect(calls[0]?.id).not.toBe(calls[1]?.id);
    for (const c of calls) {
      const args = JSON.parse(c?.tool.case === "function" ? c.tool.value.arguments : "null");
      expect(typeof args.zone).toBe("string");
    }
  });

  it("calls the functions the user names in auto mode, and none otherwise or under TOOL_MODE_NONE", async () => {
    const named = await complete({
      tools: [timeTool, weatherTool],
      messages: [msg(MessageRole.ROLE_USER, "Please run get_weather for Paris, then get_time there.")],
    });
    const names = named.outputs[0]?.message?.toolCalls.map((c) =>
      c.tool.case === "function" ? c.tool.value.name : "",
    );
    expect(names).toEqual(["get_weather", "get_time"]);
    for (const c of named.outputs[0]?.message?.toolCalls ?? []) {
      if (c.tool.case === "function" && c.tool.value.name === "get_weather") {
        expect(validate(WEATHER_SCHEMA, JSON.parse(c.tool.value.arguments))).toEqual([]);
      }
    }
    const single = await complete({
      tools: [timeTool, weatherTool],
      parallelToolCalls: false,
      messages: [msg(MessageRole.ROLE_USER, "Please run get_weather for Paris, then get_time there.")],
    });
    expect(single.outputs[0]?.message?.toolCalls).toHaveLength(1);
    const plain = await complete({ tools: [weatherTool] });
    expect(plain.outputs[0]?.message?.toolCalls).toHaveLength(0);
    expect(plain.outputs[0]?.finishReason).toBe(FinishReason.REASON_STOP);
    const none = await complete({
      tools: [weatherTool],
      toolChoice: { toolChoice: { case: "mode", value: ToolMode.NONE } },
      messages: [msg(MessageRole.ROLE_USER, "run get_weather now")],
    });
    expect(none.outputs[0]?.message?.toolCalls).toHaveLength(0);
    expect(none.outputs[0]?.message?.content).toContain("run get_weather now");
  });

  it("answers with text that uses the tool result once it arrives", async () => {
    const first = await complete({
      tools: [weatherTool],
      toolChoice: { toolChoice: { case: "mode", value: ToolMode.REQUIRED } },
    });
    const call = first.outputs[0]?.message?.toolCalls[0];
    const r = await complete({
      tools: [weatherTool],
      toolChoice: { toolChoice: { case: "mode", value: ToolMode.REQUIRED } },
      messages: [
        msg(MessageRole.ROLE_USER, QUESTION),
        { role: MessageRole.ROLE_ASSISTANT, toolCalls: call ? [call] : [] },
        { ...msg(MessageRole.ROLE_TOOL, '{"forecast":"sunny, 24 C"}'), toolCallId: call?.id },
      ],
    });
    const out = r.outputs[0];
    expect(out?.finishReason).toBe(FinishReason.REASON_STOP);
    expect(out?.message?.toolCalls).toHaveLength(0);
    expect(out?.message?.content).toContain("get_weather returned");
    expect(out?.message?.content).toContain('{"forecast":"sunny, 24 C"}');
    // The replayed tool call counts as prompt text.
    const { tokenizer } = fx.emu.context;
    const args = call?.tool.case === "function" ? call.tool.value.arguments : "";
    expect(r.usage?.promptTokens).toBe(
      tokenizer.count(QUESTION) +
        tokenizer.count(`get_weather\n${args}`) +
        tokenizer.count('{"forecast":"sunny, 24 C"}'),
    );
  });
});

describe("response_format", () => {
  it("answers JSON valid against a JSON schema", async () => {
    const schema = {
      type: "object",
      properties: {
        answer: { type: "string" },
        confidence: { type: "number", minimum: 0, maximum: 1 },
        sources: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 3 },
        verdict: { type: "string", enum: ["yes", "no", "unsure"] },
      },
      required: ["answer", "confidence", "verdict"],
      additionalProperties: false,
    };
    const r = await complete({
      n: 2,
      responseFormat: { formatType: FormatType.JSON_SCHEMA, schema: JSON.stringify(schema) },
    });
    const values = r.outputs.map((o) => JSON.parse(o.message?.content ?? ""));
    for (const v of values) expect(validate(schema, v)).toEqual([]);
    expect(values[0].answer).toContain("xAI emulator");
    expect(JSON.stringify(values[0])).not.toBe(JSON.stringify(values[1]));
  });

  it("answers a JSON object for FORMAT_TYPE_JSON_OBJECT", async () => {
    const r = await complete({ responseFormat: { formatType: FormatType.JSON_OBJECT } });
    const value = JSON.parse(r.outputs[0]?.message?.content ?? "");
    expect(value).toMatchObject({ model: "grok-4-fast", emulated: true });
    expect(value.answer).toContain(QUESTION);
  });
});

describe("validation", () => {
  const user = [msg(MessageRole.ROLE_USER, "hi")];
  const cases: [string, Record<string, unknown>, Status, RegExp][] = [
    ["no messages", { messages: [] }, Status.INVALID_ARGUMENT, /messages must not be empty/],
    [
      "a message without a role",
      { messages: [{ content: [{ content: { case: "text", value: "x" } }] }] },
      Status.INVALID_ARGUMENT,
      /messages\[0\]\.role must be set/,
    ],
    [
      "a message without content",
      { messages: [{ role: MessageRole.ROLE_USER }] },
      Status.INVALID_ARGUMENT,
      /messages\[0\] has no content/,
    ],
    [
      "an empty content part",
      { messages: [{ role: MessageRole.ROLE_USER, content: [{}] }] },
      Status.INVALID_ARGUMENT,
      /content\[0\] is empty/,
    ],
    ["an unknown model", { model: "grok-9" }, Status.NOT_FOUND, /grok-9/],
    ["no model", { model: "" }, Status.INVALID_ARGUMENT, /model must be set/],
    ["n = 0", { n: 0 }, Status.INVALID_ARGUMENT, /n must be between 1 and 8/],
    ["n = 9", { n: 9 }, Status.INVALID_ARGUMENT, /n must be between 1 and 8/],
    ["temperature 2.5", { temperature: 2.5 }, Status.INVALID_ARGUMENT, /temperature must be between 0 and 2/],
    ["top_p 1.5", { topP: 1.5 }, Status.INVALID_ARGUMENT, /top_p must be between 0 and 1/],
    ["max_tokens 0", { maxTokens: 0 }, Status.INVALID_ARGUMENT, /max_tokens must be at least 1/],
    ["five stop sequences", { stop: ["a", "b", "c", "d", "e"] }, Status.INVALID_ARGUMENT, /at most 4/],
    [
      "an undeclared forced function",
      { tools: [timeTool], toolChoice: { toolChoice: { case: "functionName", value: "nope" } } },
      Status.INVALID_ARGUMENT,
      /function_name "nope" is not a function declared/,
    ],
    [
      "required tools without tools",
      { toolChoice: { toolChoice: { case: "mode", value: ToolMode.REQUIRED } } },
      Status.INVALID_ARGUMENT,
      /needs at least one tool/,
    ],
    [
      "a response schema that is not JSON",
      { responseFormat: { formatType: FormatType.JSON_SCHEMA, schema: "{not json" } },
      Status.INVALID_ARGUMENT,
      /response_format\.schema is not valid JSON/,
    ],
    [
      "a JSON schema format without schema",
      { responseFormat: { formatType: FormatType.JSON_SCHEMA } },
      Status.INVALID_ARGUMENT,
      /schema is required/,
    ],
    [
      "function parameters that are not JSON",
      { tools: [{ tool: { case: "function", value: { name: "f", parameters: "[" } } }] },
      Status.INVALID_ARGUMENT,
      /tools\[0\]\.function\.parameters is not valid JSON/,
    ],
    [
      "a penalty on a reasoning model",
      { model: "grok-4", presencePenalty: 0.5 },
      Status.INVALID_ARGUMENT,
      /presence_penalty is not supported/,
    ],
    [
      "an image for a text-only model",
      {
        model: "grok-3-mini",
        messages: [
          {
            role: MessageRole.ROLE_USER,
            content: [
              {
                content: {
                  case: "imageUrl",
                  value: { source: { case: "imageUrl", value: "https://example.com/a.png" } },
                },
              },
            ],
          },
        ],
      },
      Status.INVALID_ARGUMENT,
      /does not accept image input/,
    ],
    ["an unknown previous response", { previousResponseId: "resp-nope" }, Status.NOT_FOUND, /resp-nope/],
  ];
  it.each(cases)("rejects %s", async (_name, request, code, message) => {
    const err = await complete({ messages: user, ...request }).then(
      () => undefined,
      (e: unknown) => e as { code: number; details: string },
    );
    expect(err?.code).toBe(code);
    expect(err?.details).toMatch(message);
  });
});
