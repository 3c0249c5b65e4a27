import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  type CompactContextRequest,
  type CompactContextResponse,
  CompletionMessageSchema,
  type CompletionOutput,
  CompletionOutputSchema,
  FormatType,
  type GetChatCompletionChunk,
  type GetChatCompletionResponse,
  GetChatCompletionResponseSchema,
  type GetCompletionsRequest,
  type GetDeferredCompletionResponse,
  GetDeferredCompletionResponseSchema,
  IncludeOption,
  type InlineCitationSchema,
  type Message,
  MessageRole,
  MessageSchema,
  ReasoningEffort,
  SearchMode,
} from "../../gen/xai/api/v1/chat_pb.js";
import { FinishReason } from "../../gen/xai/api/v1/sample_pb.js";
import { ServerSideTool, ServiceTier } from "../../gen/xai/api/v1/usage_pb.js";
import {
  type AgentTrace,
  runServerCalls,
  SERVER_TOOLS,
  type Source,
  validateServerTools,
} from "../chat/agent-tools.js";
import { compactContext } from "../chat/compaction.js";
import { encodeReasoning, lastOfRole, messageText, promptTokens } from "../chat/conversation.js";
import { DeferredCompletions } from "../chat/deferred-completions.js";
import { sampleJson } from "../chat/json-schema-sample.js";
import { logProbsFor } from "../chat/logprobs.js";
import { completionTokens } from "../chat/output-tokens.js";
import { composeReasoning, composeReply, type ReplyInput } from "../chat/reply-composer.js";
import { type ValidatedRequest, validateRequest } from "../chat/request-validation.js";
import { StoredCompletions } from "../chat/stored-completions.js";
import { splitIntoChunks } from "../chat/stream-splitter.js";
import { argumentsFor, chooseFunctions, toolCallFor } from "../chat/tool-calls.js";
import { samplingUsage } from "../chat/usage.js";
import type { EngineDeps } from "../context.js";
import { invalidArgument } from "../errors.js";
import { hashParts } from "../text/hash.js";

/** Options of one completion. */
export interface CompleteOptions {
  /** The response id to use (a deferred completion answers under its request id); new by default. */
  readonly id?: string | undefined;
}

/** Computes chat completions; used by Chat itself and by Batch. */
export interface ChatEngine {
  /**
   * Validates the request like the API (EmulatorError otherwise) and answers it deterministically.
   * With `store_messages` the response is stored under its id.
   */
  complete(request: GetCompletionsRequest, options?: CompleteOptions): Promise<GetChatCompletionResponse>;
  /** The same answer as `complete`, split into the chunks a stream sends (see GetCompletionChunk). */
  completeChunks(request: GetCompletionsRequest): Promise<GetChatCompletionChunk[]>;
  /** Validates and answers a deferred request now; polls see it PENDING for a while. Returns its id. */
  startDeferred(request: GetCompletionsRequest): Promise<string>;
  /** One poll of a deferred completion: PENDING, DONE with the response, or EXPIRED; `NOT_FOUND` if unknown. */
  pollDeferred(requestId: string): GetDeferredCompletionResponse;
  /** A stored response by id; `NOT_FOUND` if unknown or deleted. */
  storedCompletion(responseId: string): GetChatCompletionResponse;
  /** Deletes a stored response; `NOT_FOUND` if unknown. */
  deleteStoredCompletion(responseId: string): void;
  /** Compacts a conversation into one opaque item (see CompactContext). */
  compact(request: CompactContextRequest): CompactContextResponse;
  /**
   * Pause between streamed chunks, in ms. Small by default, so that a stream takes long enough for a
   * client's cancel to land mid-way, as with a real model; tests may change it.
   */
  streamChunkDelayMs: number;
}

/** Default pause between streamed chunks, in ms. */
export const DEFAULT_STREAM_CHUNK_DELAY_MS = 2;

/**
 * Placeholder sources for the retired Live Search (`search_parameters`), honest about being
 * emulated. Server-side tools (`web_search`, `x_search`…) search the built-in corpus instead.
 */
function legacyCitations(
  request: GetCompletionsRequest,
  topic: string,
): { urls: string[]; tools: ServerSideTool[] } {
  const legacy = request.searchParameters;
  if (legacy === undefined || legacy.mode === SearchMode.OFF_SEARCH_MODE) return { urls: [], tools: [] };
  const slug = hashParts("search", topic).toString(16).padStart(8, "0");
  const urls = [
    `https://example.com/xai-emulator/web/${slug}/1`,
    `https://example.com/xai-emulator/web/${slug}/2`,
  ];
  const max = legacy.maxSearchResults;
  return {
    urls: max !== undefined ? urls.slice(0, Math.max(0, max)) : urls,
    tools: [ServerSideTool.WEB_SEARCH],
  };
}

/** The sources of a trace, each once, in the order the calls found them. */
function sourcesOf(trace: AgentTrace): Source[] {
  const seen = new Map<string, Source>();
  for (const round of trace.rounds)
    for (const call of round) for (const s of call.sources) if (!seen.has(s.url)) seen.set(s.url, s);
  return [...seen.values()];
}

/** The sentence the answer gives about the server-side calls made (empty without any). */
function traceSentence(trace: AgentTrace, maxTurns: number | undefined): string {
  const calls = trace.rounds.flat();
  if (calls.length === 0) return "";
  const parts = [
    `The emulated agent tools made ${calls.length} server-side call${calls.length === 1 ? "" : "s"} in ${trace.rounds.length} round${trace.rounds.length === 1 ? "" : "s"}: ${calls.map((c) => c.summary).join("; ")}.`,
  ];
  if (trace.skipped > 0) {
    parts.push(
      `max_turns ${maxTurns} stopped ${trace.skipped} more planned call${trace.skipped === 1 ? "" : "s"}.`,
    );
  }
  return parts.join(" ");
}

/** The inline citation of one source, by its marker number. */
function inlineCitation(
  id: number,
  source: Source,
  start: number,
  end: number,
): MessageInitShape<typeof InlineCitationSchema> {
  const base = { id: String(id), startIndex: start, endIndex: end };
  switch (source.kind) {
    case "web":
      return { ...base, citation: { case: "webCitation", value: { url: source.url } } };
    case "x":
      return { ...base, citation: { case: "xCitation", value: { url: source.url } } };
    case "collections":
      return {
        ...base,
        citation: {
          case: "collectionsCitation",
          value: {
            fileId: source.fileId,
            chunkId: source.chunkId,
            chunkContent: source.chunkContent,
            score: source.score,
            collectionIds: source.collectionIds,
          },
        },
      };
  }
}

/** Offset in code points (as clients index text) of a UTF-16 offset of `text`. */
function codePoints(text: string, utf16: number): number {
  return [...text.slice(0, utf16)].length;
}

/** `text` cut before the earliest of the stop sequences (unchanged when none occurs). */
function cutAtStop(text: string, stops: readonly string[]): string {
  let at = -1;
  for (const s of stops) {
    const i = text.indexOf(s);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  return at < 0 ? text : text.slice(0, at);
}

/** Builds the chat engine of one emulator run. */
export function createChatEngine(deps: EngineDeps): ChatEngine {
  const stored = new StoredCompletions(deps.config.storeBytes.storedCompletions);
  const deferred = new DeferredCompletions(
    {
      pendingPolls: deps.config.deferredPendingPolls,
      ttlMs: deps.config.deferredTtlMs,
      maxBytes: deps.config.storeBytes.deferredCompletions,
    },
    deps.now,
  );

  function output(
    request: GetCompletionsRequest,
    valid: ValidatedRequest,
    reply: ReplyInput,
    searchNote: boolean,
    trace: AgentTrace,
  ): { outputs: CompletionOutput[]; completion: number; reasoning: number } {
    const { tokenizer } = deps;
    const lastUser = lastOfRole(reply.messages, MessageRole.ROLE_USER);
    const include = new Set(request.include);
    const outputs: CompletionOutput[] = [];
    let completion = 0;
    // The trace first: one assistant output per round holding its server-side calls, each followed
    // by the call's output when the matching include option asks for it.
    for (const round of trace.rounds) {
      const traced = create(CompletionMessageSchema, {
        role: MessageRole.ROLE_ASSISTANT,
        toolCalls: round.map((c) => ({
          id: c.id,
          type: SERVER_TOOLS[c.kind].type,
          status: c.status,
          errorMessage: c.errorMessage,
          tool: { case: "function" as const, value: { name: c.name, arguments: c.arguments } },
        })),
      });
      completion += completionTokens(traced, tokenizer);
      outputs.push(
        create(CompletionOutputSchema, {
          index: reply.index,
          finishReason: FinishReason.REASON_TOOL_CALLS,
          message: traced,
        }),
      );
      for (const c of round) {
        const option = SERVER_TOOLS[c.kind].include;
        if (option === undefined || !include.has(option)) continue;
        outputs.push(
          create(CompletionOutputSchema, {
            index: reply.index,
            finishReason: FinishReason.REASON_TOOL_CALLS,
            message: {
              role: MessageRole.ROLE_TOOL,
              content: JSON.stringify({ tool_call_id: c.id, name: c.name, output: c.output }),
            },
          }),
        );
      }
    }
    const sources = sourcesOf(trace);
    let text = composeReply(reply);
    if (searchNote)
      text += " The emulator searched nothing: its citations are placeholder example.com links.";
    const note = traceSentence(trace, request.maxTurns);
    if (note) text += ` ${note}`;
    const hints = { answer: text, query: lastUser ? messageText(lastUser) : "", variant: reply.index };
    const calls = chooseFunctions(request, reply.messages, valid.functions);
    const message: MessageInitShape<typeof CompletionMessageSchema> = {
      role: MessageRole.ROLE_ASSISTANT,
    };
    let finishReason = FinishReason.REASON_STOP;
    let plan: string;
    if (calls.length > 0) {
      message.toolCalls = calls.map((f, k) =>
        toolCallFor(f, argumentsFor(f, hints), [
          reply.seed,
          reply.index,
          k,
          reply.messages.length,
          hints.query,
        ]),
      );
      message.content = "";
      finishReason = FinishReason.REASON_TOOL_CALLS;
      plan = `call ${calls.map((f) => f.name).join(" and ")} with arguments that fit the schema`;
    } else {
      const format = request.responseFormat?.formatType;
      let plain = false;
      if (valid.responseSchema !== undefined) {
        text = JSON.stringify(sampleJson(valid.responseSchema, hints));
        plan = "answer with JSON that follows the requested schema";
      } else if (format === FormatType.JSON_OBJECT) {
        text = JSON.stringify({ answer: text, model: valid.model, emulated: true });
        plan = "answer with a JSON object";
      } else {
        plan = "answer in plain text and say that this is the emulator";
        plain = true;
      }
      const inline = plain && include.has(IncludeOption.INLINE_CITATIONS) && sources.length > 0;
      if (inline) text += ` Sources: ${sources.map((src, k) => `[[${k + 1}]](${src.url})`).join(" ")}`;
      text = cutAtStop(text, request.stop);
      if (request.maxTokens !== undefined && tokenizer.count(text) > request.maxTokens) {
        text = tokenizer.truncate(text, request.maxTokens);
        finishReason = FinishReason.REASON_MAX_LEN;
      }
      message.content = text;
      if (inline) {
        // Only the markers that survived stop sequences and max_tokens are cited.
        message.citations = sources.flatMap((src, k) => {
          const marker = `[[${k + 1}]](${src.url})`;
          const at = text.lastIndexOf(marker);
          if (at < 0) return [];
          return [inlineCitation(k + 1, src, codePoints(text, at), codePoints(text, at + marker.length))];
        });
      }
    }
    let reasoning = 0;
    if (valid.reasoning) {
      const effort = request.reasoningEffort ?? ReasoningEffort.EFFORT_MEDIUM;
      const trace = composeReasoning(reply, effort, plan);
      message.reasoningContent = trace;
      reasoning = tokenizer.count(trace);
      if (request.useEncryptedContent && trace) message.encryptedContent = encodeReasoning(trace);
    }
    const built = create(CompletionMessageSchema, message);
    const logprobs = request.logprobs
      ? {
          content: logProbsFor(tokenizer.tokenize(built.content), request.topLogprobs ?? 0, [
            reply.seed,
            reply.index,
          ]),
        }
      : undefined;
    outputs.push(
      create(CompletionOutputSchema, { index: reply.index, finishReason, message: built, logprobs }),
    );
    return { outputs, completion: completion + completionTokens(built, tokenizer), reasoning };
  }

  async function complete(
    request: GetCompletionsRequest,
    options: CompleteOptions = {},
  ): Promise<GetChatCompletionResponse> {
    const valid = validateRequest(request, deps);
    validateServerTools(request, deps);
    const model = deps.catalog.language(valid.model);
    const history = request.previousResponseId
      ? stored.get(request.previousResponseId, "previous_response_id").conversation
      : [];
    const messages: Message[] = [...history, ...request.messages];
    const prompt = promptTokens(messages, deps.tokenizer);
    if (prompt.text + prompt.image > model.maxPromptLength) {
      throw invalidArgument(
        `This model's maximum prompt length is ${model.maxPromptLength} but the request contains ${prompt.text + prompt.image} tokens`,
      );
    }
    const lastUser = lastOfRole(messages, MessageRole.ROLE_USER);
    const legacy = legacyCitations(request, lastUser ? messageText(lastUser) : "");
    const outputs: CompletionOutput[] = [];
    const citations = new Set(legacy.urls);
    const serverSideTools = [...legacy.tools];
    const outputFiles: { fileId: string; name: string }[] = [];
    let completion = 0;
    let reasoning = 0;
    for (let index = 0; index < (request.n ?? 1); index++) {
      const reply: ReplyInput = {
        model: valid.model,
        messages,
        historyLength: history.length,
        previousResponseId: request.previousResponseId,
        seed: request.seed ?? 0,
        index,
      };
      const trace = await runServerCalls({ request, messages, seed: reply.seed, index }, deps);
      // Usage counts every call made, one entry per call; citations every source found.
      for (const call of trace.rounds.flat()) {
        serverSideTools.push(SERVER_TOOLS[call.kind].usage);
        outputFiles.push(...call.files);
      }
      for (const source of sourcesOf(trace)) citations.add(source.url);
      const o = output(request, valid, reply, legacy.urls.length > 0, trace);
      outputs.push(...o.outputs);
      completion += o.completion;
      reasoning += o.reasoning;
    }
    const response = create(GetChatCompletionResponseSchema, {
      id: options.id ?? deps.newId("resp"),
      created: timestampFromDate(deps.now()),
      model: valid.model,
      systemFingerprint: model.systemFingerprint,
      outputs,
      usage: samplingUsage(model, {
        promptText: prompt.text,
        promptImage: prompt.image,
        completion,
        reasoning,
        sources: citations.size,
        serverSideTools,
      }),
      citations: [...citations],
      outputFiles,
      settings: {
        maxTokens: request.maxTokens,
        parallelToolCalls: request.parallelToolCalls ?? true,
        previousResponseId: request.previousResponseId,
        reasoningEffort: valid.reasoning
          ? (request.reasoningEffort ?? ReasoningEffort.EFFORT_MEDIUM)
          : undefined,
        temperature: request.temperature,
        responseFormat: request.responseFormat,
        toolChoice: request.toolChoice,
        tools: request.tools,
        topP: request.topP,
        user: request.user,
        searchParameters: request.searchParameters,
        storeMessages: request.storeMessages,
        useEncryptedContent: request.useEncryptedContent,
        include: request.include,
      },
      serviceTier: request.serviceTier || ServiceTier.DEFAULT,
    });
    if (request.storeMessages) {
      // The answer of output 0 is its last assistant output (after any server-side trace).
      const answer = outputs
        .filter((o) => o.index === 0 && o.message?.role === MessageRole.ROLE_ASSISTANT)
        .at(-1)?.message;
      const reply = create(MessageSchema, {
        role: MessageRole.ROLE_ASSISTANT,
        content: answer?.content ? [{ content: { case: "text", value: answer.content } }] : [],
        toolCalls: answer?.toolCalls ?? [],
        reasoningContent: answer?.reasoningContent || undefined,
        encryptedContent: answer?.encryptedContent ?? "",
      });
      stored.put({ response, conversation: [...messages, reply] });
    }
    return response;
  }

  return {
    complete,
    async completeChunks(request) {
      const response = await complete(request);
      return splitIntoChunks(
        response,
        deps.catalog.language(response.model),
        deps.tokenizer,
        request.include.includes(IncludeOption.VERBOSE_STREAMING),
      );
    },
    async startDeferred(request) {
      const id = deps.newId("deferred");
      deferred.add(id, await complete(request, { id }));
      return id;
    },
    pollDeferred(requestId) {
      return create(GetDeferredCompletionResponseSchema, deferred.poll(requestId));
    },
    storedCompletion: (responseId) => stored.get(responseId).response,
    deleteStoredCompletion: (responseId) => stored.delete(responseId),
    compact: (request) => compactContext(request, deps),
    streamChunkDelayMs: DEFAULT_STREAM_CHUNK_DELAY_MS,
  };
}
