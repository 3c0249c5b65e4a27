import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Chat,
  type CompletionOutput,
  type GetChatCompletionChunk,
  type GetChatCompletionResponse,
  IncludeOption,
  MessageRole,
  type ToolCall,
  ToolCallStatus,
  ToolCallType,
  ToolMode,
  type ToolSchema,
} from "../../gen/xai/api/v1/chat_pb.js";
import { Collections, DocumentStatus } from "../../gen/xai/api/v1/collections_pb.js";
import { FinishReason, Sample } from "../../gen/xai/api/v1/sample_pb.js";
import { type SamplingUsage, ServerSideTool } from "../../gen/xai/api/v1/usage_pb.js";
import { useEmulator } from "../support/emulator-fixture.js";
import { type LoopbackMcpServer, startLoopbackMcpServer } from "../support/mcp-http-server.js";
import { msg } from "./chat-support.js";
import { statusOf, untilIndexed, upload } from "./collections-helpers.js";

const fx = useEmulator();
let mcp: LoopbackMcpServer;

beforeAll(async () => {
  fx.emu.context.chat.streamChunkDelayMs = 0;
  mcp = await startLoopbackMcpServer();
});
afterAll(async () => {
  await mcp.close();
});

type Extra = Record<string, unknown>;

function request(question: string, extra: Extra = {}) {
  return { model: "grok-4", messages: [msg(MessageRole.ROLE_USER, question)], ...extra };
}

const unary = (question: string, extra: Extra = {}) =>
  fx.client.unary(Chat.method.getCompletion, request(question, extra));

async function stream(question: string, extra: Extra = {}): Promise<GetChatCompletionChunk[]> {
  const chunks: GetChatCompletionChunk[] = [];
  for await (const c of fx.client.serverStream(Chat.method.getCompletionChunk, request(question, extra)))
    chunks.push(c);
  return chunks;
}

/** One answer as the official Python fx.client exposes it. */
interface Folded {
  role: MessageRole;
  content: string;
  reasoningContent: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
}

/**
 * Folds a stream the way the official Python fx.client does (re-implemented here): each chunk's
 * output delta sets the role of its output (a chunk without a role would unset it), a delta whose
 * role is not the assistant's is not part of the answer, text concatenates, tool calls append, a
 * set finish reason replaces the previous one. Usage is the last chunk's; citations add up.
 */
function foldLikeOfficialClient(chunks: readonly GetChatCompletionChunk[]): {
  outputs: Map<number, Folded>;
  usage: SamplingUsage | undefined;
  citations: string[];
} {
  const outputs = new Map<number, Folded>();
  const citations: string[] = [];
  let usage: SamplingUsage | undefined;
  for (const chunk of chunks) {
    if (chunk.usage) usage = chunk.usage;
    citations.push(...chunk.citations);
    for (const o of chunk.outputs) {
      const role = o.delta?.role ?? MessageRole.INVALID_ROLE;
      const out = outputs.get(o.index) ?? {
        role: MessageRole.INVALID_ROLE,
        content: "",
        reasoningContent: "",
        toolCalls: [],
        finishReason: FinishReason.REASON_INVALID,
      };
      outputs.set(o.index, out);
      out.role = role;
      if (role !== MessageRole.ROLE_ASSISTANT) continue;
      out.content += o.delta?.content ?? "";
      out.reasoningContent += o.delta?.reasoningContent ?? "";
      out.toolCalls.push(...(o.delta?.toolCalls ?? []));
      if (o.finishReason) out.finishReason = o.finishReason;
    }
  }
  return { outputs, usage, citations };
}

/** The answer of one index of a unary response, as the same fx.client reads it. */
function unaryAnswer(response: GetChatCompletionResponse, index: number): Folded {
  const mine = response.outputs.filter(
    (o) => o.index === index && o.message?.role === MessageRole.ROLE_ASSISTANT,
  );
  return {
    role: MessageRole.ROLE_ASSISTANT,
    content: mine.map((o) => o.message?.content ?? "").join(""),
    reasoningContent: mine.map((o) => o.message?.reasoningContent ?? "").join(""),
    toolCalls: mine.flatMap((o) => o.message?.toolCalls ?? []),
    finishReason: mine.at(-1)?.finishReason ?? FinishReason.REASON_INVALID,
  };
}

/** Every server-side call of a response, in trace order. */
function serverCalls(response: GetChatCompletionResponse): ToolCall[] {
  return response.outputs
    .flatMap((o) => o.message?.toolCalls ?? [])
    .filter((c) => c.type !== ToolCallType.CLIENT_SIDE_TOOL);
}

/** The final answer output of index 0. */
function finalOutput(response: GetChatCompletionResponse): CompletionOutput | undefined {
  return response.outputs.filter((o) => o.index === 0).at(-1);
}

const argsOf = (call: ToolCall | undefined): Record<string, unknown> =>
  call?.tool.case === "function" ? JSON.parse(call.tool.value.arguments) : {};

describe("streams as the official fx.client reads them", () => {
  it("puts the assistant role and the index on every output chunk, so a folded stream is the unary answer", async () => {
    const extra = { model: "grok-3-mini", seed: 3 };
    const chunks = await stream("Tell me about streaming.", extra);
    const reference = await unary("Tell me about streaming.", extra);
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) {
      expect(c.outputs).toHaveLength(1);
      expect(c.outputs[0]?.delta?.role).toBe(MessageRole.ROLE_ASSISTANT);
    }
    const folded = foldLikeOfficialClient(chunks);
    expect(folded.outputs.get(0)).toEqual(unaryAnswer(reference, 0));
    expect(folded.outputs.get(0)?.content.length).toBeGreaterThan(20);
    expect(folded.usage).toEqual(reference.usage);
    expect(chunks.at(-1)?.usage?.totalTokens).toBe(reference.usage?.totalTokens);
  });

  it("interleaves n = 3 outputs, each chunk labelled with its index and role, each folding to its unary answer", async () => {
    const extra = { n: 3, maxTokens: 30 };
    const chunks = await stream("Compare three things.", extra);
    const reference = await unary("Compare three things.", extra);
    expect(chunks.slice(0, 6).map((c) => c.outputs[0]?.index)).toEqual([0, 1, 2, 0, 1, 2]);
    const folded = foldLikeOfficialClient(chunks);
    for (const index of [0, 1, 2]) expect(folded.outputs.get(index)).toEqual(unaryAnswer(reference, index));
    expect(folded.usage).toEqual(reference.usage);
  });

  it("folds an agentic stream to the unary answer, trace calls included, tool outputs kept out of the text", async () => {
    const extra = {
      tools: [{ tool: { case: "webSearch", value: {} } }, { tool: { case: "codeExecution", value: {} } }],
      include: [IncludeOption.WEB_SEARCH_CALL_OUTPUT, IncludeOption.CODE_EXECUTION_CALL_OUTPUT],
    };
    const chunks = await stream("What is gRPC?", extra);
    const reference = await unary("What is gRPC?", extra);
    const folded = foldLikeOfficialClient(chunks);
    expect(folded.outputs.get(0)).toEqual(unaryAnswer(reference, 0));
    expect(folded.outputs.get(0)?.toolCalls.map((c) => c.type)).toEqual([
      ToolCallType.WEB_SEARCH_TOOL,
      ToolCallType.CODE_EXECUTION_TOOL,
    ]);
    expect(folded.outputs.get(0)?.content).not.toContain("tool_call_id");
    // The included tool outputs stream as ROLE_TOOL deltas, which such a fx.client leaves aside.
    const toolDeltas = chunks.filter((c) => c.outputs[0]?.delta?.role === MessageRole.ROLE_TOOL);
    expect(toolDeltas.map((c) => c.outputs[0]?.delta?.content).join("")).toContain("tool_call_id");
    expect(folded.usage).toEqual(reference.usage);
    expect(folded.citations).toEqual(reference.citations);
  });

  it("gives each of n = 2 outputs its own trace, billed once per call, and streams them interleaved", async () => {
    const extra = { n: 2, tools: [{ tool: { case: "webSearch", value: {} } }] };
    const reference = await unary("What is gRPC?", extra);
    expect(reference.outputs.map((o) => [o.index, o.message?.toolCalls.length])).toEqual([
      [0, 1],
      [0, 0],
      [1, 1],
      [1, 0],
    ]);
    expect(reference.usage?.serverSideToolsUsed).toEqual([
      ServerSideTool.WEB_SEARCH,
      ServerSideTool.WEB_SEARCH,
    ]);
    expect(serverCalls(reference)).toHaveLength(2);
    const chunks = await stream("What is gRPC?", extra);
    expect(chunks.slice(0, 2).map((c) => c.outputs[0]?.index)).toEqual([0, 1]);
    const folded = foldLikeOfficialClient(chunks);
    for (const index of [0, 1]) expect(folded.outputs.get(index)).toEqual(unaryAnswer(reference, index));
  });

  it("labels every Sample streaming choice with its index, the last chunk carrying the usage", async () => {
    const req = {
      prompt: ["Once upon a time", "In a galaxy"],
      model: "grok-3-mini",
      n: 2,
      maxTokens: 12,
      seed: 1,
    };
    const whole = await fx.client.unary(Sample.method.sampleText, req);
    const texts = new Map<number, string>();
    let last: SamplingUsage | undefined;
    for await (const c of fx.client.serverStream(Sample.method.sampleTextStreaming, req)) {
      for (const choice of c.choices) texts.set(choice.index, (texts.get(choice.index) ?? "") + choice.text);
      last = c.usage;
    }
    expect([...texts.keys()].sort()).toEqual(whole.choices.map((c) => c.index).sort());
    for (const choice of whole.choices) expect(texts.get(choice.index)).toBe(choice.text);
    expect(last).toEqual(whole.usage);
  });
});

describe("web_search and x_search", () => {
  it("traces a web search before the answer, with usage and citations that agree with it", async () => {
    const r = await unary("What is gRPC streaming?", { tools: [{ tool: { case: "webSearch", value: {} } }] });
    expect(r.outputs).toHaveLength(2);
    const [trace, answer] = r.outputs;
    expect(trace?.message?.role).toBe(MessageRole.ROLE_ASSISTANT);
    const call = trace?.message?.toolCalls[0];
    expect(call?.type).toBe(ToolCallType.WEB_SEARCH_TOOL);
    expect(call?.status).toBe(ToolCallStatus.COMPLETED);
    expect(call?.id).toMatch(/^call_[0-9a-f]{16}$/);
    expect(call?.tool.case === "function" && call.tool.value.name).toBe("web_search");
    expect(argsOf(call).query).toBe("What is gRPC streaming?");
    expect(answer?.finishReason).toBe(FinishReason.REASON_STOP);
    expect(answer?.message?.content).toContain("web_search found 3 pages");
    expect(r.usage?.serverSideToolsUsed).toEqual([ServerSideTool.WEB_SEARCH]);
    expect(r.citations).toContain("https://en.wikipedia.org/xai-emulator/grpc");
    expect(r.citations.every((u) => u.includes("/xai-emulator/"))).toBe(true);
    expect(r.usage?.numSourcesUsed).toBe(r.citations.length);
    // No call, no usage and no citations.
    const plain = await unary("What is gRPC streaming?");
    expect(plain.outputs).toHaveLength(1);
    expect(plain.usage?.serverSideToolsUsed).toEqual([]);
    expect(plain.citations).toEqual([]);
  });

  it("honours allowed_domains and excluded_domains, and refuses both at once", async () => {
    const only = await unary("gRPC", {
      tools: [{ tool: { case: "webSearch", value: { allowedDomains: ["docs.x.ai"] } } }],
    });
    expect(only.citations.length).toBeGreaterThan(0);
    expect(only.citations.every((u) => u.startsWith("https://docs.x.ai/"))).toBe(true);
    const without = await unary("gRPC", {
      tools: [{ tool: { case: "webSearch", value: { excludedDomains: ["wikipedia.org"] } } }],
    });
    expect(without.citations.some((u) => u.includes("wikipedia.org"))).toBe(false);
    const both = await statusOf(
      unary("gRPC", {
        tools: [
          { tool: { case: "webSearch", value: { allowedDomains: ["a.com"], excludedDomains: ["b.com"] } } },
        ],
      }),
    );
    expect(both.code).toBe(3);
    expect(both.details).toContain("not both");
  });

  it("honours allowed and excluded X handles and the date range", async () => {
    const xai = await unary("agent tools news", {
      tools: [{ tool: { case: "xSearch", value: { allowedXHandles: ["xai"] } } }],
    });
    expect(xai.citations.length).toBeGreaterThan(0);
    expect(xai.citations.every((u) => u.startsWith("https://x.com/xai/"))).toBe(true);
    expect(serverCalls(xai)[0]?.type).toBe(ToolCallType.X_SEARCH_TOOL);
    expect(xai.usage?.serverSideToolsUsed).toEqual([ServerSideTool.X_SEARCH]);
    const notXai = await unary("agent tools news", {
      tools: [{ tool: { case: "xSearch", value: { excludedXHandles: ["@xai"] } } }],
    });
    expect(notXai.citations.some((u) => u.includes("x.com/xai/"))).toBe(false);
    // A question nothing matches gets every post the filters let through.
    const in2026 = await unary("qwerty", {
      tools: [
        {
          tool: {
            case: "xSearch",
            value: {
              fromDate: timestampFromDate(new Date("2026-01-01T00:00:00Z")),
              toDate: timestampFromDate(new Date("2026-04-01T00:00:00Z")),
            },
          },
        },
      ],
    });
    expect(in2026.citations.sort()).toEqual([
      "https://x.com/grpcio/status/1000000000000000005",
      "https://x.com/xaidevelopers/status/1000000000000000004",
    ]);
    expect(argsOf(serverCalls(in2026)[0]).from_date).toBe("2026-01-01");
  });
});

describe("include options, inline citations and verbose streaming", () => {
  const tools = [{ tool: { case: "webSearch", value: {} } }, { tool: { case: "xSearch", value: {} } }];

  it("returns a call's output only under its include option, as a ROLE_TOOL output after the call", async () => {
    const none = await unary("gRPC news", { tools });
    expect(none.outputs.some((o) => o.message?.role === MessageRole.ROLE_TOOL)).toBe(false);
    const web = await unary("gRPC news", { tools, include: [IncludeOption.WEB_SEARCH_CALL_OUTPUT] });
    const toolOutputs = web.outputs.filter((o) => o.message?.role === MessageRole.ROLE_TOOL);
    expect(toolOutputs).toHaveLength(1);
    const body = JSON.parse(toolOutputs[0]?.message?.content ?? "{}");
    const webCall = serverCalls(web).find((c) => c.type === ToolCallType.WEB_SEARCH_TOOL);
    expect(body.tool_call_id).toBe(webCall?.id);
    expect(body.output.results.map((p: { url: string }) => p.url)).toEqual(
      web.citations.filter((u) => !u.startsWith("https://x.com/")),
    );
    // Output order: the round's calls, then the included output, then the answer.
    expect(web.outputs.map((o) => o.message?.role)).toEqual([
      MessageRole.ROLE_ASSISTANT,
      MessageRole.ROLE_TOOL,
      MessageRole.ROLE_ASSISTANT,
    ]);
  });

  it("marks inline citations in the answer text under INCLUDE_OPTION_INLINE_CITATIONS, pointing at the sources found", async () => {
    const plain = await unary("gRPC news", { tools });
    expect(finalOutput(plain)?.message?.citations).toEqual([]);
    expect(finalOutput(plain)?.message?.content).not.toContain("[[1]]");
    const r = await unary("gRPC news", { tools, include: [IncludeOption.INLINE_CITATIONS] });
    const answer = finalOutput(r)?.message;
    const text = [...(answer?.content ?? "")];
    expect(answer?.citations.length).toBe(r.citations.length);
    for (const c of answer?.citations ?? []) {
      const marked = text.slice(c.startIndex, c.endIndex).join("");
      const url =
        c.citation.case === "webCitation" || c.citation.case === "xCitation" ? c.citation.value.url : "";
      expect(marked).toBe(`[[${c.id}]](${url})`);
      expect(r.citations).toContain(url);
    }
    expect(answer?.citations.some((c) => c.citation.case === "xCitation")).toBe(true);
    // Streamed, the inline citations arrive in the deltas and add up to the same list.
    const chunks = await stream("gRPC news", { tools, include: [IncludeOption.INLINE_CITATIONS] });
    expect(chunks.flatMap((c) => c.outputs.flatMap((o) => o.delta?.citations ?? []))).toEqual(
      answer?.citations,
    );
  });

  it("sends each server-side call in progress, then completed under the same id, only with verbose streaming", async () => {
    const quiet = await stream("gRPC news", { tools });
    const quietCalls = quiet.flatMap((c) => c.outputs.flatMap((o) => o.delta?.toolCalls ?? []));
    expect(quietCalls.map((c) => c.status)).toEqual([ToolCallStatus.COMPLETED, ToolCallStatus.COMPLETED]);
    const verbose = await stream("gRPC news", { tools, include: [IncludeOption.VERBOSE_STREAMING] });
    const calls = verbose.flatMap((c) => c.outputs.flatMap((o) => o.delta?.toolCalls ?? []));
    expect(calls.map((c) => c.status)).toEqual([
      ToolCallStatus.IN_PROGRESS,
      ToolCallStatus.COMPLETED,
      ToolCallStatus.IN_PROGRESS,
      ToolCallStatus.COMPLETED,
    ]);
    expect(calls[0]?.id).toBe(calls[1]?.id);
    // The progress chunks come before any answer text.
    const firstText = verbose.findIndex((c) => (c.outputs[0]?.delta?.content ?? "") !== "");
    const withCalls = verbose.flatMap((c, i) =>
      (c.outputs[0]?.delta?.toolCalls.length ?? 0) > 0 ? [i] : [],
    );
    const lastCall = Math.max(...withCalls);
    expect(lastCall).toBeLessThan(firstText);
  });
});

describe("rounds: max_turns, parallel_tool_calls, tool_choice and fx.client functions", () => {
  const all = [
    { tool: { case: "webSearch", value: {} } },
    { tool: { case: "xSearch", value: {} } },
    { tool: { case: "codeExecution", value: {} } },
  ];

  it("makes the searches in one round and code execution in the next, or one call per round without parallel calls", async () => {
    const r = await unary("gRPC", { tools: all });
    const rounds = r.outputs.filter((o) => (o.message?.toolCalls.length ?? 0) > 0);
    expect(rounds.map((o) => o.message?.toolCalls.map((c) => c.type))).toEqual([
      [ToolCallType.WEB_SEARCH_TOOL, ToolCallType.X_SEARCH_TOOL],
      [ToolCallType.CODE_EXECUTION_TOOL],
    ]);
    const serial = await unary("gRPC", { tools: all, parallelToolCalls: false });
    expect(
      serial.outputs
        .filter((o) => (o.message?.toolCalls.length ?? 0) > 0)
        .map((o) => o.message?.toolCalls.length),
    ).toEqual([1, 1, 1]);
  });

  it("stops after max_turns rounds, says so, and bills only the calls made", async () => {
    const r = await unary("gRPC", { tools: all, parallelToolCalls: false, maxTurns: 2 });
    expect(serverCalls(r).map((c) => c.type)).toEqual([
      ToolCallType.WEB_SEARCH_TOOL,
      ToolCallType.X_SEARCH_TOOL,
    ]);
    expect(r.usage?.serverSideToolsUsed).toEqual([ServerSideTool.WEB_SEARCH, ServerSideTool.X_SEARCH]);
    expect(finalOutput(r)?.message?.content).toContain("max_turns 2 stopped 1 more planned call");
    expect((await statusOf(unary("gRPC", { tools: all, maxTurns: 0 }))).code).toBe(3);
  });

  it("calls only the tools the question names, and none with TOOL_MODE_NONE", async () => {
    const named = await unary("Please use x_search for this", { tools: all });
    expect(serverCalls(named).map((c) => c.type)).toEqual([ToolCallType.X_SEARCH_TOOL]);
    const none = await unary("gRPC", {
      tools: all,
      toolChoice: { toolChoice: { case: "mode", value: ToolMode.NONE } },
    });
    expect(none.outputs).toHaveLength(1);
    expect(none.usage?.serverSideToolsUsed).toEqual([]);
  });

  it("calls no server-side tool when tool_choice forces a fx.client function", async () => {
    const r = await unary("Search the web", {
      tools: [
        { tool: { case: "webSearch", value: {} } },
        { tool: { case: "function", value: { name: "lookup", parameters: "" } } },
      ],
      toolChoice: { toolChoice: { case: "functionName", value: "lookup" } },
    });
    expect(serverCalls(r)).toEqual([]);
    expect(r.usage?.serverSideToolsUsed).toEqual([]);
    expect(finalOutput(r)?.message?.toolCalls.map((c) => c.type)).toEqual([ToolCallType.CLIENT_SIDE_TOOL]);
  });

  it("runs the server-side tools, then hands the fx.client function call back to the caller", async () => {
    const tools: MessageInitShape<typeof ToolSchema>[] = [
      { tool: { case: "webSearch", value: {} } },
      {
        tool: {
          case: "function",
          value: {
            name: "get_weather",
            parameters: JSON.stringify({
              type: "object",
              properties: { city: { type: "string" } },
              required: ["city"],
            }),
          },
        },
      },
    ];
    const r = await unary("Search the web, then call get_weather for Paris", { tools });
    const answer = finalOutput(r);
    expect(answer?.finishReason).toBe(FinishReason.REASON_TOOL_CALLS);
    expect(
      answer?.message?.toolCalls.map((c) => [c.type, c.tool.case === "function" && c.tool.value.name]),
    ).toEqual([[ToolCallType.CLIENT_SIDE_TOOL, "get_weather"]]);
    expect(serverCalls(r).map((c) => c.type)).toEqual([ToolCallType.WEB_SEARCH_TOOL]);
    // With the function's result sent back, the model answers without searching again.
    const call = answer?.message?.toolCalls[0];
    const next = await fx.client.unary(Chat.method.getCompletion, {
      model: "grok-4",
      tools,
      messages: [
        msg(MessageRole.ROLE_USER, "Search the web, then call get_weather for Paris"),
        { role: MessageRole.ROLE_ASSISTANT, toolCalls: call ? [call] : [] },
        { ...msg(MessageRole.ROLE_TOOL, "sunny, 24 C"), toolCallId: call?.id },
      ],
    });
    expect(next.outputs).toHaveLength(1);
    expect(next.outputs[0]?.message?.content).toContain("sunny, 24 C");
  });
});

describe("collections_search, attachment_search, code_execution and image_generation", () => {
  it("searches the emulator's collections with the Documents.Search engine, citing the chunks", async () => {
    const fileId = await upload(
      fx.client,
      "orbits.txt",
      "Apollo 11 landed on the Moon in July 1969.\n\nBread needs flour, water and yeast.",
    );
    const { collectionId } = await fx.client.unary(Collections.method.createCollection, {
      collectionName: "Space",
    });
    await fx.client.unary(Collections.method.addDocumentToCollection, { collectionId, fileId });
    expect((await untilIndexed(fx.client, collectionId, fileId)).status).toBe(DocumentStatus.PROCESSED);
    const tools = [
      { tool: { case: "collectionsSearch", value: { collectionIds: [collectionId], limit: 1 } } },
    ];
    const r = await unary("When did Apollo land on the Moon?", {
      tools,
      include: [IncludeOption.COLLECTIONS_SEARCH_CALL_OUTPUT, IncludeOption.INLINE_CITATIONS],
    });
    const call = serverCalls(r)[0];
    expect(call?.type).toBe(ToolCallType.COLLECTIONS_SEARCH_TOOL);
    expect(argsOf(call)).toMatchObject({ collection_ids: [collectionId], limit: 1 });
    const search = await fx.client.unary(
      (await import("../../gen/xai/api/v1/documents_pb.js")).Documents.method.search,
      {
        query: "When did Apollo land on the Moon?",
        source: { collectionIds: [collectionId] },
        limit: 1,
      },
    );
    const output = JSON.parse(
      r.outputs.find((o) => o.message?.role === MessageRole.ROLE_TOOL)?.message?.content ?? "{}",
    );
    expect(output.output.results.map((h: { chunk_id: string }) => h.chunk_id)).toEqual(
      search.matches.map((m) => m.chunkId),
    );
    expect(r.citations).toEqual([`collections://${collectionId}/files/${fileId}`]);
    const cited = finalOutput(r)?.message?.citations[0]?.citation;
    expect(cited?.case).toBe("collectionsCitation");
    if (cited?.case === "collectionsCitation") {
      expect(cited.value.fileId).toBe(fileId);
      expect(cited.value.chunkContent).toContain("Apollo");
      expect(cited.value.collectionIds).toEqual([collectionId]);
    }
    expect(r.usage?.serverSideToolsUsed).toEqual([ServerSideTool.COLLECTIONS_SEARCH]);
  });

  it("refuses an unknown collection id with NOT_FOUND", async () => {
    const e = await statusOf(
      unary("anything", {
        tools: [{ tool: { case: "collectionsSearch", value: { collectionIds: ["collection-nope"] } } }],
      }),
    );
    expect(e.code).toBe(5);
    expect(e.details).toContain('collection "collection-nope" does not exist');
  });

  it("searches the files attached to the conversation", async () => {
    const fileId = await upload(
      fx.client,
      "notes.txt",
      "The launch code is blue.\n\nThe cafeteria opens at nine.",
    );
    const r = await fx.client.unary(Chat.method.getCompletion, {
      model: "grok-4",
      tools: [{ tool: { case: "attachmentSearch", value: {} } }],
      include: [IncludeOption.ATTACHMENT_SEARCH_CALL_OUTPUT],
      messages: [
        {
          role: MessageRole.ROLE_USER,
          content: [
            { content: { case: "text", value: "When does the cafeteria open?" } },
            { content: { case: "file", value: { fileId } } },
          ],
        },
      ],
    });
    expect(serverCalls(r)[0]?.type).toBe(ToolCallType.ATTACHMENT_SEARCH_TOOL);
    const body = JSON.parse(
      r.outputs.find((o) => o.message?.role === MessageRole.ROLE_TOOL)?.message?.content ?? "{}",
    );
    expect(body.output.files_searched).toBe(1);
    expect(body.output.results[0]).toMatchObject({ file: fileId, passage: "The cafeteria opens at nine." });
    expect(r.usage?.serverSideToolsUsed).toEqual([ServerSideTool.ATTACHMENT_SEARCH]);
  });

  it("emulates code execution without running anything", async () => {
    const r = await unary("Compute 2 + 2 and write a file", {
      tools: [{ tool: { case: "codeExecution", value: {} } }],
      include: [IncludeOption.CODE_EXECUTION_CALL_OUTPUT],
    });
    const call = serverCalls(r)[0];
    expect(call?.type).toBe(ToolCallType.CODE_EXECUTION_TOOL);
    expect(String(argsOf(call).code)).toContain("emulated");
    const body = JSON.parse(
      r.outputs.find((o) => o.message?.role === MessageRole.ROLE_TOOL)?.message?.content ?? "{}",
    );
    expect(body.output).toMatchObject({ emulated: true, stdout: "" });
    expect(finalOutput(r)?.message?.content).toContain("code_execution was emulated (nothing was executed)");
    expect(r.usage?.serverSideToolsUsed).toEqual([ServerSideTool.CODE_EXECUTION]);
  });

  it("generates an emulated PNG, kept as a file and served by URL", async () => {
    const r = await unary("Draw a landscape", { tools: [{ tool: { case: "imageGeneration", value: {} } }] });
    expect(serverCalls(r)[0]?.type).toBe(ToolCallType.IMAGE_GENERATION_TOOL);
    expect(r.outputFiles).toHaveLength(1);
    const file = fx.emu.context.files.get(r.outputFiles[0]?.fileId ?? "");
    expect(
      Buffer.from(file?.bytes ?? [])
        .subarray(1, 4)
        .toString(),
    ).toBe("PNG");
    const url = /\((http:\/\/127\.0\.0\.1:\d+\/media\/[^)]+)\)/.exec(
      finalOutput(r)?.message?.content ?? "",
    )?.[1];
    const res = await fetch(url ?? "");
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(r.usage?.serverSideToolsUsed).toEqual([ServerSideTool.IMAGE_GENERATION]);
  });
});

describe("mcp against a real Streamable HTTP MCP server", () => {
  const mcpTool = (extra: Extra = {}) => ({
    tool: { case: "mcp", value: { serverLabel: "orders", serverUrl: mcp.url, ...extra } },
  });

  it("lists the allowed tools, calls one with the given authorization and headers, and traces it", async () => {
    const before = mcp.calls.length;
    const r = await unary("Where is order A-17? Use lookup_order.", {
      tools: [
        mcpTool({
          authorization: "Bearer mcp-secret",
          extraHeaders: { "x-tenant": "acme" },
          allowedToolNames: ["lookup_order"],
        }),
      ],
      include: [IncludeOption.MCP_CALL_OUTPUT],
    });
    const call = serverCalls(r)[0];
    expect(call?.type).toBe(ToolCallType.MCP_TOOL);
    expect(call?.status).toBe(ToolCallStatus.COMPLETED);
    expect(call?.tool.case === "function" && call.tool.value.name).toBe("lookup_order");
    expect(mcp.calls.slice(before)).toHaveLength(1);
    expect(mcp.calls.at(-1)?.name).toBe("lookup_order");
    expect(argsOf(call)).toEqual(mcp.calls.at(-1)?.arguments);
    const body = JSON.parse(
      r.outputs.find((o) => o.message?.role === MessageRole.ROLE_TOOL)?.message?.content ?? "{}",
    );
    expect(body.output.content).toMatch(/^order .+ has shipped$/);
    expect(mcp.headers.at(-1)?.authorization).toBe("Bearer mcp-secret");
    expect(mcp.headers.at(-1)?.["x-tenant"]).toBe("acme");
    expect(r.usage?.serverSideToolsUsed).toEqual([ServerSideTool.MCP]);
  });

  it("refuses a tool left out of allowed_tool_names as a failed call", async () => {
    const before = mcp.calls.length;
    const r = await unary("Run delete_everything now", {
      tools: [mcpTool({ allowedToolNames: ["lookup_order"] })],
    });
    const call = serverCalls(r)[0];
    expect(call?.status).toBe(ToolCallStatus.FAILED);
    expect(call?.errorMessage).toContain("not in allowed_tool_names");
    expect(mcp.calls.length).toBe(before);
  });

  it("reports a tool's error result as a failed call", async () => {
    const r = await unary("Try failing_tool please", { tools: [mcpTool()] });
    expect(serverCalls(r)[0]?.status).toBe(ToolCallStatus.FAILED);
    expect(serverCalls(r)[0]?.errorMessage).toContain("the backend is down");
  });

  it("fails the request with INVALID_ARGUMENT when the server is unreachable or lacks an allowed tool", async () => {
    const down = await statusOf(
      unary("hello", {
        tools: [
          { tool: { case: "mcp", value: { serverLabel: "gone", serverUrl: "http://127.0.0.1:1/mcp" } } },
        ],
      }),
    );
    expect(down.code).toBe(3);
    expect(down.details).toContain('mcp server "gone" at http://127.0.0.1:1/mcp could not be reached');
    const unknown = await statusOf(
      unary("hello", { tools: [mcpTool({ allowedToolNames: ["no_such_tool"] })] }),
    );
    expect(unknown.code).toBe(3);
    expect(unknown.details).toContain("no_such_tool");
  });
});
