/**
 * The small built-in corpus behind the emulator's `web_search` and `x_search` tools. Every page and
 * post is written for the emulator and says so: the URLs are real-looking so that domain and handle
 * filters mean something, but their paths all sit under `xai-emulator`, and nothing is fetched.
 */
import { terms } from "../collections/lexical-terms.js";

/** One emulated web page. */
export interface WebPage {
  readonly url: string;
  readonly domain: string;
  readonly title: string;
  readonly text: string;
}

/** One emulated X post. */
export interface XPost {
  readonly url: string;
  /** Author handle, without @. */
  readonly handle: string;
  readonly text: string;
  /** When it was posted (UTC). */
  readonly postedAt: Date;
}

const page = (domain: string, slug: string, title: string, text: string): WebPage => ({
  url: `https://${domain}/xai-emulator/${slug}`,
  domain,
  title: `${title} (emulated page)`,
  text,
});

/** The emulated web, in a fixed order (ties in ranking keep it). */
export const WEB_PAGES: readonly WebPage[] = [
  page(
    "docs.x.ai",
    "agent-tools",
    "Agent tools overview",
    "Grok can call server-side agent tools: web search, X search, code execution, collections search, attachment search, remote MCP servers and image generation. The API runs the tools and returns the trace, citations and usage.",
  ),
  page(
    "docs.x.ai",
    "grpc-api",
    "The xAI gRPC API",
    "The xAI API speaks gRPC: Chat, Sample, Embedder, Image, Video, Models, Files, Batch, Collections and Documents services, with streaming chat completions.",
  ),
  page(
    "en.wikipedia.org",
    "grpc",
    "gRPC",
    "gRPC is a remote procedure call framework over HTTP/2 that uses protocol buffers to describe services and messages; it supports unary and streaming calls.",
  ),
  page(
    "en.wikipedia.org",
    "weather",
    "Weather",
    "Weather is the state of the atmosphere: temperature, rain, wind and cloud. Forecasts predict the weather for a city days ahead.",
  ),
  page(
    "modelcontextprotocol.io",
    "streamable-http",
    "MCP Streamable HTTP transport",
    "The Model Context Protocol lets a client list and call the tools of a server; the Streamable HTTP transport carries JSON-RPC over HTTP POST, with optional server-sent events.",
  ),
  page(
    "nodejs.org",
    "release",
    "Node.js releases",
    "Node.js ships a new major release every six months; even-numbered releases become long-term support (LTS) versions.",
  ),
  page(
    "github.com",
    "xai-sdk-python",
    "xai-sdk-python on GitHub",
    "The official Python SDK for the xAI API: chat, streaming, tool calling, agent tools, images and collections over gRPC.",
  ),
  page(
    "arxiv.org",
    "retrieval",
    "Retrieval-augmented generation",
    "Retrieval-augmented generation searches documents for passages relevant to a question and gives them to a language model, which cites them in its answer.",
  ),
];

const post = (handle: string, id: string, postedAt: string, text: string): XPost => ({
  url: `https://x.com/${handle}/status/${id}`,
  handle,
  text: `${text} (emulated post)`,
  postedAt: new Date(postedAt),
});

/** The emulated X, oldest first. */
export const X_POSTS: readonly XPost[] = [
  post(
    "xai",
    "1000000000000000001",
    "2025-07-10T16:00:00Z",
    "Grok 4 is out, with native tool use and real-time search.",
  ),
  post(
    "grok",
    "1000000000000000002",
    "2025-09-01T12:00:00Z",
    "Ask me anything: I can search the web and X, run code and read your collections.",
  ),
  post(
    "xai",
    "1000000000000000003",
    "2025-11-05T18:30:00Z",
    "Agent tools are now in the API: web_search, x_search, code_execution, collections_search and remote MCP.",
  ),
  post(
    "xaidevelopers",
    "1000000000000000004",
    "2026-01-15T09:00:00Z",
    "New in the gRPC API: streaming traces of server-side tool calls with verbose streaming.",
  ),
  post(
    "grpcio",
    "1000000000000000005",
    "2026-03-02T14:00:00Z",
    "gRPC streaming tip: fold every chunk by its output index.",
  ),
  post(
    "weatherdesk",
    "1000000000000000006",
    "2026-06-20T07:45:00Z",
    "Weather in Paris today: sunny, 24°C, light wind from the west.",
  ),
];

/** How many results one emulated search returns at most. */
export const SEARCH_RESULTS = 3;

// Words too common to say what a question is about: they match nearly everything.
const STOP_WORDS = new Set(
  "a an the is are was were be what who when where which how why in on at of to for from and or not me my i you your we it its this that do doe does did about tell please use using with can could would should search find look up".split(
    " ",
  ),
);

/** The terms of a question that say what it is about (its terms without the stop words). */
export function queryTerms(query: string): Set<string> {
  return new Set(terms(query).filter((t) => !STOP_WORDS.has(t)));
}

/** Ranks items by how many distinct query terms their text shares; items sharing none are dropped. */
function rank<T>(query: string, items: readonly T[], textOf: (item: T) => string): T[] {
  const wanted = queryTerms(query);
  const scored = items
    .map((item, order) => {
      const have = new Set(terms(textOf(item)));
      let score = 0;
      for (const t of wanted) if (have.has(t)) score += 1;
      return { item, score, order };
    })
    .filter((s) => s.score > 0);
  scored.sort((a, b) => b.score - a.score || a.order - b.order);
  return scored.map((s) => s.item);
}

const domainMatches = (domain: string, filter: string): boolean => {
  const f = filter.toLowerCase().replace(/^\.+/, "");
  return domain === f || domain.endsWith(`.${f}`);
};

/** Web search filters, as `WebSearch` carries them. */
export interface WebFilters {
  readonly allowedDomains: readonly string[];
  readonly excludedDomains: readonly string[];
}

/**
 * The pages for `query` under the filters, best first, at most {@link SEARCH_RESULTS}. A query
 * that matches nothing falls back to the first pages the filters let through, as a search engine
 * always returns something.
 */
export function searchWeb(query: string, filters: WebFilters): WebPage[] {
  const visible = WEB_PAGES.filter(
    (p) =>
      (filters.allowedDomains.length === 0 ||
        filters.allowedDomains.some((d) => domainMatches(p.domain, d))) &&
      !filters.excludedDomains.some((d) => domainMatches(p.domain, d)),
  );
  const ranked = rank(query, visible, (p) => `${p.title} ${p.text}`);
  return (ranked.length > 0 ? ranked : visible).slice(0, SEARCH_RESULTS);
}

/** X search filters, as `XSearch` carries them. */
export interface XFilters {
  readonly allowedHandles: readonly string[];
  readonly excludedHandles: readonly string[];
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
}

/** The posts for `query` under the filters, best first, at most {@link SEARCH_RESULTS}; same fallback as the web. */
export function searchX(query: string, filters: XFilters): XPost[] {
  const norm = (h: string) => h.replace(/^@/, "").toLowerCase();
  const allowed = filters.allowedHandles.map(norm);
  const excluded = filters.excludedHandles.map(norm);
  const visible = X_POSTS.filter(
    (p) =>
      (allowed.length === 0 || allowed.includes(p.handle)) &&
      !excluded.includes(p.handle) &&
      (!filters.from || p.postedAt >= filters.from) &&
      (!filters.to || p.postedAt <= filters.to),
  );
  const ranked = rank(query, visible, (p) => `${p.handle} ${p.text}`);
  return (ranked.length > 0 ? ranked : visible).slice(0, SEARCH_RESULTS);
}
