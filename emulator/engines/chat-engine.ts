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
  type Message,
  MessageRole,
  MessageSchema,
  ReasoningEffort,
  SearchMode,
} from "../../gen/xai/api/v1/chat_pb.js";
import { FinishReason } from "../../gen/xai/api/v1/sample_pb.js";
import { ServerSideTool, ServiceTier } from "../../gen/xai/api/v1/usage_pb.js";
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

/** Placeholder sources, honest about being emulated, for requests that enable search. */
function citationsFor(
  request: GetCompletionsRequest,
  topic: string,
): { urls: string[]; tools: ServerSideTool[] } {
  const slug = hashParts("search", topic).toString(16).padStart(8, "0");
  const urls: string[] = [];
  const tools: ServerSideTool[] = [];
  const web = request.tools.some((t) => t.tool.case === "webSearch");
  const x = request.tools.some((t) => t.tool.case === "xSearch");
  const legacy = request.searchParameters;
  const legacyOn = legacy !== undefined && legacy.mode !== SearchMode.OFF_SEARCH_MODE;
  if (web || legacyOn) {
    tools.push(ServerSideTool.WEB_SEARCH);
    urls.push(
      `https://example.com/xai-emulator/web/${slug}/1`,
      `https://example.com/xai-emulator/web/${slug}/2`,
    );
  }
  if (x) {
    tools.push(ServerSideTool.X_SEARCH);
    urls.push(`https://example.com/xai-emulator/x/${slug}/1`);
  }
  const max = legacy?.maxSearchResults;
  return { urls: max !== undefined ? urls.slice(0, Math.max(0, max)) : urls, tools };
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
  const stored = new StoredCompletions();
  const deferred = new DeferredCompletions(
    { pendingPolls: deps.config.deferredPendingPolls, ttlMs: deps.config.deferredTtlMs },
    deps.now,
  );

  function output(
    request: GetCompletionsRequest,
    valid: ValidatedRequest,
    reply: ReplyInput,
    searchNote: boolean,
  ): { output: CompletionOutput; completion: number; reasoning: number } {
    const { tokenizer } = deps;
    const lastUser = lastOfRole(reply.messages, MessageRole.ROLE_USER);
    let text = composeReply(reply);
    if (searchNote)
      text += " The emulator searched nothing: its citations are placeholder example.com links.";
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
      if (valid.responseSchema !== undefined) {
        text = JSON.stringify(sampleJson(valid.responseSchema, hints));
        plan = "answer with JSON that follows the requested schema";
      } else if (format === FormatType.JSON_OBJECT) {
        text = JSON.stringify({ answer: text, model: valid.model, emulated: true });
        plan = "answer with a JSON object";
      } else {
        plan = "answer in plain text and say that this is the emulator";
      }
      text = cutAtStop(text, request.stop);
      if (request.maxTokens !== undefined && tokenizer.count(text) > request.maxTokens) {
        text = tokenizer.truncate(text, request.maxTokens);
        finishReason = FinishReason.REASON_MAX_LEN;
      }
      message.content = text;
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
    return {
      output: create(CompletionOutputSchema, { index: reply.index, finishReason, message: built, logprobs }),
      completion: completionTokens(built, tokenizer),
      reasoning,
    };
  }

  async function complete(
    request: GetCompletionsRequest,
    options: CompleteOptions = {},
  ): Promise<GetChatCompletionResponse> {
    const valid = validateRequest(request, deps);
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
    const search = citationsFor(request, lastUser ? messageText(lastUser) : "");
    const outputs: CompletionOutput[] = [];
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
      const o = output(request, valid, reply, search.urls.length > 0);
      outputs.push(o.output);
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
        sources: search.urls.length,
        serverSideTools: search.tools,
      }),
      citations: search.urls,
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
      const answer = outputs[0]?.message;
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
      return splitIntoChunks(response, deps.catalog.language(response.model), deps.tokenizer);
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
