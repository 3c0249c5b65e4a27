/**
 * The emulator's server-side agent tools: which ones a request's "model" calls, in which rounds,
 * and what each call finds. Everything is deterministic and offline except `mcp`, which really
 * connects to the remote MCP server the request names (over Streamable HTTP).
 *
 * - web_search / x_search: the small built-in corpus of search-corpus.ts, with the request's domain,
 *   handle and date filters.
 * - collections_search: the emulator's own collections, with the same engine as Documents.Search.
 * - attachment_search: the text of the files attached to the conversation.
 * - code_execution: a plainly emulated result; no code is ever run.
 * - mcp: lists the server's tools (filtered by allowed_tool_names) and calls one, sending the
 *   request's authorization and extra headers.
 * - image_generation: a generated PNG, stored as a file and served on the emulator's media host.
 */
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  type GetCompletionsRequest,
  IncludeOption,
  type MCP,
  type Message,
  MessageRole,
  type Tool,
  ToolCallStatus,
  ToolCallType,
  ToolMode,
} from "../../gen/xai/api/v1/chat_pb.js";
import { ServerSideTool } from "../../gen/xai/api/v1/usage_pb.js";
import { terms } from "../collections/lexical-terms.js";
import { searchCollections } from "../collections/search.js";
import { collectionStoreOf } from "../collections/store.js";
import type { EngineDeps } from "../context.js";
import { invalidArgument } from "../errors.js";
import { paintLandscape } from "../media/picture.js";
import { encodePng } from "../media/png.js";
import { hashParts } from "../text/hash.js";
import { excerpt, lastOfRole, messageText } from "./conversation.js";
import { sampleJson } from "./json-schema-sample.js";
import { queryTerms, searchWeb, searchX } from "./search-corpus.js";

/** The server-side cases of `Tool.tool`. */
export type ServerToolCase = Exclude<NonNullable<Tool["tool"]["case"]>, "function">;

/** What the API calls each server-side tool, and how its calls are typed, billed and included. */
export const SERVER_TOOLS: Readonly<
  Record<
    ServerToolCase,
    { name: string; type: ToolCallType; usage: ServerSideTool; include?: IncludeOption; searches: boolean }
  >
> = {
  webSearch: {
    name: "web_search",
    type: ToolCallType.WEB_SEARCH_TOOL,
    usage: ServerSideTool.WEB_SEARCH,
    include: IncludeOption.WEB_SEARCH_CALL_OUTPUT,
    searches: true,
  },
  xSearch: {
    name: "x_search",
    type: ToolCallType.X_SEARCH_TOOL,
    usage: ServerSideTool.X_SEARCH,
    include: IncludeOption.X_SEARCH_CALL_OUTPUT,
    searches: true,
  },
  collectionsSearch: {
    name: "collections_search",
    type: ToolCallType.COLLECTIONS_SEARCH_TOOL,
    usage: ServerSideTool.COLLECTIONS_SEARCH,
    include: IncludeOption.COLLECTIONS_SEARCH_CALL_OUTPUT,
    searches: true,
  },
  attachmentSearch: {
    name: "attachment_search",
    type: ToolCallType.ATTACHMENT_SEARCH_TOOL,
    usage: ServerSideTool.ATTACHMENT_SEARCH,
    include: IncludeOption.ATTACHMENT_SEARCH_CALL_OUTPUT,
    searches: true,
  },
  mcp: {
    name: "mcp",
    type: ToolCallType.MCP_TOOL,
    usage: ServerSideTool.MCP,
    include: IncludeOption.MCP_CALL_OUTPUT,
    searches: true,
  },
  codeExecution: {
    name: "code_execution",
    type: ToolCallType.CODE_EXECUTION_TOOL,
    usage: ServerSideTool.CODE_EXECUTION,
    include: IncludeOption.CODE_EXECUTION_CALL_OUTPUT,
    searches: false,
  },
  imageGeneration: {
    name: "image_generation",
    type: ToolCallType.IMAGE_GENERATION_TOOL,
    usage: ServerSideTool.IMAGE_GENERATION,
    searches: false,
  },
};

/** A source a call found, which the answer cites. */
export type Source =
  | { readonly kind: "web" | "x"; readonly url: string; readonly title: string }
  | {
      readonly kind: "collections";
      readonly url: string;
      readonly title: string;
      readonly fileId: string;
      readonly chunkId: string;
      readonly chunkContent: string;
      readonly score: number;
      readonly collectionIds: string[];
    };

/** One server-side call the emulated model made. */
export interface ServerCall {
  readonly id: string;
  readonly kind: ServerToolCase;
  /** The function name in the trace (`web_search`, the MCP tool's name…). */
  readonly name: string;
  /** JSON arguments. */
  readonly arguments: string;
  readonly status: ToolCallStatus;
  readonly errorMessage?: string | undefined;
  /** What the call returned (sent back only under the matching include option). */
  readonly output: unknown;
  readonly sources: Source[];
  /** Files the call made (image generation). */
  readonly files: { fileId: string; name: string }[];
  /** A short account of the call for the answer text. */
  readonly summary: string;
}

/** The trace of one output: rounds of calls, in order. */
export interface AgentTrace {
  readonly rounds: ServerCall[][];
  /** Calls planned but not made because `max_turns` ran out. */
  readonly skipped: number;
}

/** A declared server-side tool, with its position in `tools`. */
interface Declared {
  readonly case: ServerToolCase;
  readonly position: number;
  readonly value: Tool["tool"]["value"];
}

/** The server-side tools a request declares, in declaration order. */
export function declaredServerTools(request: GetCompletionsRequest): Declared[] {
  const out: Declared[] = [];
  request.tools.forEach((t, position) => {
    if (t.tool.case !== undefined && t.tool.case !== "function") {
      out.push({ case: t.tool.case, position, value: t.tool.value });
    }
  });
  return out;
}

/** Most domains, and handles, one search tool accepts. */
const MAX_DOMAINS = 5;
const MAX_HANDLES = 10;
/** Chunks a collections search returns when `limit` is unset, and the most it accepts. */
const DEFAULT_COLLECTIONS_LIMIT = 10;
const MAX_LIMIT = 100;
/** Passages an attachment search returns when `limit` is unset. */
const DEFAULT_ATTACHMENT_LIMIT = 5;
/** How long the emulator waits on a remote MCP server, per request. */
const MCP_TIMEOUT_MS = 10_000;

/**
 * Checks the server-side tools of a request as the API does: option limits, known collections,
 * usable MCP URLs, a positive `max_turns`. Throws `INVALID_ARGUMENT` or `NOT_FOUND`.
 */
export function validateServerTools(request: GetCompletionsRequest, deps: Pick<EngineDeps, "files">): void {
  if (request.maxTurns !== undefined && request.maxTurns < 1) {
    throw invalidArgument(`max_turns must be at least 1, got ${request.maxTurns}`);
  }
  for (const value of request.include) {
    if (value === IncludeOption.INVALID || !(value in IncludeOption)) {
      throw invalidArgument(`include has an unknown value ${value}`);
    }
  }
  const store = collectionStoreOf(deps);
  for (const d of declaredServerTools(request)) {
    const where = `tools[${d.position}].${SERVER_TOOLS[d.case].name}`;
    switch (d.case) {
      case "webSearch": {
        const v = d.value as Extract<Tool["tool"], { case: "webSearch" }>["value"];
        if (v.allowedDomains.length > 0 && v.excludedDomains.length > 0) {
          throw invalidArgument(`${where}: set allowed_domains or excluded_domains, not both`);
        }
        if (v.allowedDomains.length > MAX_DOMAINS || v.excludedDomains.length > MAX_DOMAINS) {
          throw invalidArgument(
            `${where}: at most ${MAX_DOMAINS} domains in allowed_domains or excluded_domains`,
          );
        }
        break;
      }
      case "xSearch": {
        const v = d.value as Extract<Tool["tool"], { case: "xSearch" }>["value"];
        if (v.allowedXHandles.length > 0 && v.excludedXHandles.length > 0) {
          throw invalidArgument(`${where}: set allowed_x_handles or excluded_x_handles, not both`);
        }
        if (v.allowedXHandles.length > MAX_HANDLES || v.excludedXHandles.length > MAX_HANDLES) {
          throw invalidArgument(
            `${where}: at most ${MAX_HANDLES} handles in allowed_x_handles or excluded_x_handles`,
          );
        }
        if (v.fromDate && v.toDate && timestampDate(v.fromDate) > timestampDate(v.toDate)) {
          throw invalidArgument(`${where}: from_date is after to_date`);
        }
        break;
      }
      case "collectionsSearch": {
        const v = d.value as Extract<Tool["tool"], { case: "collectionsSearch" }>["value"];
        if (v.collectionIds.length === 0) {
          throw invalidArgument(`${where}.collection_ids must name at least one collection`);
        }
        for (const id of v.collectionIds) store.require(id);
        if (v.limit !== undefined && (v.limit < 1 || v.limit > MAX_LIMIT)) {
          throw invalidArgument(`${where}.limit must be between 1 and ${MAX_LIMIT}, got ${v.limit}`);
        }
        break;
      }
      case "attachmentSearch": {
        const v = d.value as Extract<Tool["tool"], { case: "attachmentSearch" }>["value"];
        if (v.limit !== undefined && (v.limit < 1 || v.limit > MAX_LIMIT)) {
          throw invalidArgument(`${where}.limit must be between 1 and ${MAX_LIMIT}, got ${v.limit}`);
        }
        break;
      }
      case "mcp": {
        const v = d.value as MCP;
        if (!v.serverLabel.trim()) throw invalidArgument(`${where}.server_label must be set`);
        let url: URL;
        try {
          url = new URL(v.serverUrl);
        } catch {
          throw invalidArgument(`${where}.server_url is not a URL: ${JSON.stringify(v.serverUrl)}`);
        }
        if (url.protocol !== "http:" && url.protocol !== "https:") {
          throw invalidArgument(`${where}.server_url must be an http(s) URL, got ${url.protocol}`);
        }
        break;
      }
      default:
        break;
    }
  }
}

/** How one request's calls are chosen and identified. */
export interface PlanInput {
  readonly request: GetCompletionsRequest;
  readonly messages: readonly Message[];
  readonly seed: number;
  /** Output index: each output runs its own trace. */
  readonly index: number;
}

/** True when `text` names `name` as a word (`web_search`, `x_search`, an MCP label…). */
function names(text: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(?<![A-Za-z0-9_])${escaped}(?![A-Za-z0-9_])`, "i").test(text);
}

/**
 * The tools the emulated model calls, in rounds. None with `TOOL_MODE_NONE`, a forced client
 * function, or a conversation that ends with a tool result. Otherwise the server-side tools the
 * last user message names (by tool name, or an MCP server by its label), or every declared one when
 * it names none. Searches (web, X, collections, attachments, MCP) come first, then code execution
 * and image generation, which work on what was found: two rounds, or one call per round when
 * `parallel_tool_calls` is false. `max_turns` keeps the first rounds.
 */
export function planServerCalls(input: PlanInput): { rounds: Declared[][]; skipped: number } {
  const { request, messages } = input;
  const declared = declaredServerTools(request);
  const choice = request.toolChoice?.toolChoice;
  const final = messages[messages.length - 1];
  if (
    declared.length === 0 ||
    (choice?.case === "mode" && choice.value === ToolMode.NONE) ||
    choice?.case === "functionName" ||
    (final && (final.role === MessageRole.ROLE_TOOL || final.role === MessageRole.ROLE_FUNCTION))
  ) {
    return { rounds: [], skipped: 0 };
  }
  const lastUser = lastOfRole(messages, MessageRole.ROLE_USER);
  const text = lastUser ? messageText(lastUser) : "";
  const named = declared.filter(
    (d) =>
      names(text, SERVER_TOOLS[d.case].name) ||
      (d.case === "mcp" && names(text, (d.value as MCP).serverLabel)),
  );
  const chosen = named.length > 0 ? named : declared;
  const first = chosen.filter((d) => SERVER_TOOLS[d.case].searches);
  const then = chosen.filter((d) => !SERVER_TOOLS[d.case].searches);
  const rounds =
    request.parallelToolCalls === false
      ? [...first, ...then].map((d) => [d])
      : [first, then].filter((r) => r.length > 0);
  const maxTurns = request.maxTurns ?? rounds.length;
  const kept = rounds.slice(0, maxTurns);
  const skipped = rounds.slice(maxTurns).reduce((n, r) => n + r.length, 0);
  return { rounds: kept, skipped };
}

/** The question the tools are asked: the last user message, on one line. */
export function toolQuery(messages: readonly Message[]): string {
  const lastUser = lastOfRole(messages, MessageRole.ROLE_USER);
  return lastUser ? excerpt(messageText(lastUser), 200) : "";
}

/** Runs the planned calls, round by round, for one output. */
export async function runServerCalls(input: PlanInput, deps: EngineDeps): Promise<AgentTrace> {
  const plan = planServerCalls(input);
  const query = toolQuery(input.messages);
  const rounds: ServerCall[][] = [];
  for (const [r, round] of plan.rounds.entries()) {
    const calls: ServerCall[] = [];
    for (const d of round) {
      const id = callId([input.seed, input.index, r, d.position, d.case, query]);
      calls.push(await runOne(d, id, query, input, deps));
    }
    rounds.push(calls);
  }
  return { rounds, skipped: plan.skipped };
}

function callId(parts: readonly (string | number)[]): string {
  const hex = (salt: number) =>
    hashParts("server-tool-call", ...parts, salt)
      .toString(16)
      .padStart(8, "0");
  return `call_${hex(1)}${hex(2)}`;
}

type CallResult = Omit<ServerCall, "id" | "kind" | "status" | "sources" | "files"> &
  Partial<Pick<ServerCall, "status" | "sources" | "files">>;

async function runOne(
  d: Declared,
  id: string,
  query: string,
  input: PlanInput,
  deps: EngineDeps,
): Promise<ServerCall> {
  const done = (p: CallResult): ServerCall => ({
    id,
    kind: d.case,
    status: ToolCallStatus.COMPLETED,
    sources: [],
    files: [],
    ...p,
  });
  switch (d.case) {
    case "webSearch": {
      const v = d.value as Extract<Tool["tool"], { case: "webSearch" }>["value"];
      const pages = searchWeb(query, {
        allowedDomains: v.allowedDomains,
        excludedDomains: v.excludedDomains,
      });
      return done({
        name: "web_search",
        arguments: JSON.stringify({ query }),
        output: {
          query,
          emulated: true,
          results: pages.map((p) => ({ url: p.url, title: p.title, snippet: p.text })),
        },
        sources: pages.map((p) => ({ kind: "web", url: p.url, title: p.title })),
        summary: `web_search found ${count(pages.length, "page")}`,
      });
    }
    case "xSearch": {
      const v = d.value as Extract<Tool["tool"], { case: "xSearch" }>["value"];
      const from = v.fromDate ? timestampDate(v.fromDate) : undefined;
      const to = v.toDate ? timestampDate(v.toDate) : undefined;
      const posts = searchX(query, {
        allowedHandles: v.allowedXHandles,
        excludedHandles: v.excludedXHandles,
        from,
        to,
      });
      const args: Record<string, unknown> = { query };
      if (from) args.from_date = from.toISOString().slice(0, 10);
      if (to) args.to_date = to.toISOString().slice(0, 10);
      return done({
        name: "x_keyword_search",
        arguments: JSON.stringify(args),
        output: {
          query,
          emulated: true,
          posts: posts.map((p) => ({
            url: p.url,
            handle: p.handle,
            text: p.text,
            posted_at: p.postedAt.toISOString(),
          })),
        },
        sources: posts.map((p) => ({ kind: "x", url: p.url, title: `@${p.handle}` })),
        summary: `x_search found ${count(posts.length, "post")}`,
      });
    }
    case "collectionsSearch": {
      const v = d.value as Extract<Tool["tool"], { case: "collectionsSearch" }>["value"];
      const store = collectionStoreOf(deps);
      const collections = [...new Set(v.collectionIds)].map((c) => store.require(c));
      const limit = v.limit ?? DEFAULT_COLLECTIONS_LIMIT;
      const hits = searchCollections(query, collections, limit, deps.now());
      return done({
        name: "collections_search",
        arguments: JSON.stringify({ query, collection_ids: v.collectionIds, limit }),
        output: {
          query,
          results: hits.map((h) => ({
            file_id: h.fileId,
            chunk_id: h.chunk.id,
            score: h.score,
            collection_ids: h.collectionIds,
            chunk_content: h.chunk.content,
          })),
        },
        sources: hits.map((h) => ({
          kind: "collections",
          url: `collections://${h.collectionIds[0] ?? ""}/files/${h.fileId}`,
          title: `${h.fileId} (chunk ${h.chunk.id})`,
          fileId: h.fileId,
          chunkId: h.chunk.id,
          chunkContent: h.chunk.content,
          score: h.score,
          collectionIds: h.collectionIds,
        })),
        summary: `collections_search found ${count(hits.length, "chunk")}`,
      });
    }
    case "attachmentSearch": {
      const v = d.value as Extract<Tool["tool"], { case: "attachmentSearch" }>["value"];
      const limit = v.limit ?? DEFAULT_ATTACHMENT_LIMIT;
      const { files, hits } = searchAttachments(query, input.messages, deps, limit);
      return done({
        name: "attachment_search",
        arguments: JSON.stringify({ query, limit }),
        output: { query, files_searched: files, results: hits },
        summary: `attachment_search found ${count(hits.length, "passage")} in ${count(files, "attached file")}`,
      });
    }
    case "codeExecution": {
      const code = `# emulated: the xAI emulator never runs code\nprint(${JSON.stringify(query)})`;
      return done({
        name: "code_execution",
        arguments: JSON.stringify({ code }),
        output: {
          emulated: true,
          stdout: "",
          stderr: "",
          note: "The xAI emulator does not execute code; this is a placeholder result.",
        },
        summary: "code_execution was emulated (nothing was executed)",
      });
    }
    case "imageGeneration": {
      const v = d.value as Extract<Tool["tool"], { case: "imageGeneration" }>["value"];
      const seed = hashParts("image-generation-tool", input.seed, input.index, query);
      const png = await encodePng(paintLandscape(256, 256, seed), {
        Comment: "xai-emulator: emulated image_generation",
      });
      const name = `generated-${id.slice(5, 13)}.png`;
      const file = deps.files.add(name, png);
      const url = deps.media.publish(png, "image/png", name);
      const args: Record<string, unknown> = { prompt: query };
      if (v.action) args.action = v.action;
      return done({
        name: "image_generation",
        arguments: JSON.stringify(args),
        output: { emulated: true, url, file_id: file.id, width: 256, height: 256 },
        files: [{ fileId: file.id, name }],
        summary: `image_generation made an emulated image (${url})`,
      });
    }
    case "mcp":
      return done(await callMcp(d.value as MCP, query, input));
  }
}

function count(n: number, one: string): string {
  return `${n} ${n === 1 ? one : `${one}s`}`;
}

/** The text of the files attached to the conversation, searched passage by passage. */
function searchAttachments(
  query: string,
  messages: readonly Message[],
  deps: EngineDeps,
  limit: number,
): { files: number; hits: { file: string; passage: string; score: number }[] } {
  const wanted = queryTerms(query);
  const passages: { file: string; passage: string; score: number; order: number }[] = [];
  let files = 0;
  for (const m of messages) {
    for (const part of m.content) {
      if (part.content.case !== "file") continue;
      const f = part.content.value;
      const stored = f.fileId ? deps.files.get(f.fileId) : undefined;
      const bytes = stored?.bytes ?? (f.data.length > 0 ? f.data : undefined);
      if (!bytes) continue;
      files += 1;
      const file = f.fileId || f.filename || `attachment ${files}`;
      const text = new TextDecoder().decode(bytes);
      for (const passage of text
        .split(/\n\s*\n/)
        .map((p) => p.trim())
        .filter(Boolean)) {
        const have = new Set(terms(passage));
        let score = 0;
        for (const t of wanted) if (have.has(t)) score += 1;
        if (score > 0) passages.push({ file, passage: excerpt(passage, 300), score, order: passages.length });
      }
    }
  }
  passages.sort((a, b) => b.score - a.score || a.order - b.order);
  return {
    files,
    hits: passages.slice(0, limit).map(({ file, passage, score }) => ({ file, passage, score })),
  };
}

/**
 * Connects to the remote MCP server, lists its tools and calls one: the allowed tool the question
 * names, else the first allowed one, with arguments sampled from its input schema. Asking for a
 * tool the server has but `allowed_tool_names` leaves out gives a failed call. An unreachable
 * server, or allowed names the server does not have, fail the request (`INVALID_ARGUMENT`).
 */
async function callMcp(v: MCP, query: string, input: PlanInput): Promise<CallResult> {
  const headers: Record<string, string> = { ...v.extraHeaders };
  if (v.authorization !== undefined) headers.Authorization = v.authorization;
  const where = `mcp server "${v.serverLabel}" at ${v.serverUrl}`;
  const client = new Client({ name: "xai-emulator", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(v.serverUrl), { requestInit: { headers } });
  try {
    try {
      await client.connect(transport, { timeout: MCP_TIMEOUT_MS });
    } catch (e) {
      throw invalidArgument(
        `${where} could not be reached: ${e instanceof Error ? e.message : String(e)}. Check server_url and that the server speaks MCP over Streamable HTTP`,
      );
    }
    const listed = (await client.listTools(undefined, { timeout: MCP_TIMEOUT_MS })).tools;
    const missing = v.allowedToolNames.filter((n) => !listed.some((t) => t.name === n));
    if (missing.length > 0) {
      throw invalidArgument(
        `allowed_tool_names of ${where} names tools it does not have: ${missing.join(", ")} (it has: ${listed.map((t) => t.name).join(", ") || "none"})`,
      );
    }
    const allowed =
      v.allowedToolNames.length > 0 ? listed.filter((t) => v.allowedToolNames.includes(t.name)) : listed;
    const lastUser = lastOfRole(input.messages, MessageRole.ROLE_USER);
    const text = lastUser ? messageText(lastUser) : "";
    const wanted = listed.find((t) => names(text, t.name));
    if (wanted && !allowed.includes(wanted)) {
      return {
        name: wanted.name,
        arguments: "{}",
        status: ToolCallStatus.FAILED,
        errorMessage: `tool "${wanted.name}" of MCP server "${v.serverLabel}" is not in allowed_tool_names (${v.allowedToolNames.join(", ")})`,
        output: { server_label: v.serverLabel, error: "tool not allowed" },
        summary: `mcp ${v.serverLabel}.${wanted.name} was refused: not in allowed_tool_names`,
      };
    }
    const tool = wanted ?? allowed[0];
    if (!tool) {
      return {
        name: v.serverLabel,
        arguments: "{}",
        status: ToolCallStatus.FAILED,
        errorMessage: `MCP server "${v.serverLabel}" lists no tools`,
        output: { server_label: v.serverLabel, tools: [] },
        summary: `mcp ${v.serverLabel} lists no tools`,
      };
    }
    const args = sampleJson(tool.inputSchema as never, { answer: query, query, variant: input.index });
    const result = await client.callTool(
      { name: tool.name, arguments: args as Record<string, unknown> },
      undefined,
      {
        timeout: MCP_TIMEOUT_MS,
      },
    );
    const content = Array.isArray(result.content) ? result.content : [];
    const resultText = content
      .map((c: { type?: string; text?: string }) =>
        c.type === "text" ? (c.text ?? "") : `[${c.type ?? "content"}]`,
      )
      .join("\n");
    const failed = result.isError === true;
    return {
      name: tool.name,
      arguments: JSON.stringify(args),
      status: failed ? ToolCallStatus.FAILED : ToolCallStatus.COMPLETED,
      errorMessage: failed ? excerpt(resultText || "the tool reported an error", 300) : undefined,
      output: { server_label: v.serverLabel, tool: tool.name, content: resultText, is_error: failed },
      summary: `mcp ${v.serverLabel}.${tool.name} ${failed ? "failed" : "returned"}: ${excerpt(resultText, 120)}`,
    };
  } finally {
    await client.close().catch(() => undefined);
  }
}
