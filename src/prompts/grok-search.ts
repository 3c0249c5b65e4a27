import {
  DEFAULT_CHAT_MODEL,
  optional,
  PromptArgumentError,
  type PromptSpec,
  toolCallPrompt,
} from "./prompt-spec.js";

/** The values `sources` takes: the web, X, or both. */
export const SEARCH_SOURCES = ["web", "x", "web,x"] as const;

/** `web`, `x`, `web,x`, `x,web`, `both` (any case, spaces ignored) → which searches to turn on. */
function parseSources(value: string | undefined): { web: boolean; x: boolean } {
  if (value === undefined) return { web: true, x: true };
  const words = value.toLowerCase().replace(/\s+/g, "").split(",").filter(Boolean);
  if (words.length === 1 && words[0] === "both") return { web: true, x: true };
  const known = new Set(["web", "x"]);
  const bad = words.find((w) => !known.has(w));
  if (bad !== undefined || words.length === 0) {
    throw new PromptArgumentError("sources", `"${value}" is not web, x or web,x`);
  }
  return { web: words.includes("web"), x: words.includes("x") };
}

/** A day (`2025-01-31`) or an RFC 3339 time, as the RFC 3339 time the tool takes. */
function parseDate(name: string, value: string | undefined, endOfDay: boolean): string | undefined {
  if (value === undefined) return undefined;
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const text = day ? `${value}T${endOfDay ? "23:59:59" : "00:00:00"}Z` : value;
  const time = Date.parse(text);
  if (Number.isNaN(time) || !/^\d{4}-\d{2}-\d{2}T/.test(text)) {
    throw new PromptArgumentError(name, `"${value}" is not a date (YYYY-MM-DD) or an RFC 3339 time`);
  }
  return new Date(time).toISOString().replace(".000Z", "Z");
}

/** `@a, b` → `["a", "b"]`. */
function parseHandles(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(/[\s,]+/)
    .map((h) => h.replace(/^@/, ""))
    .filter(Boolean);
}

/** `grok_search`: a chat call with xAI's server-side web and/or X search, answered with citations. */
export const grokSearch: PromptSpec = {
  name: "grok_search",
  title: "Search with Grok",
  description: "Have Grok search the web and/or X and answer with citations.",
  tool: "chat_get_completion",
  arguments: [
    { name: "query", description: "What to find out.", required: true },
    {
      name: "sources",
      description: "Where to search: web, x, or web,x (the default).",
      complete: "search-sources",
    },
    { name: "from_date", description: "Only X posts from this day on (YYYY-MM-DD or RFC 3339)." },
    { name: "to_date", description: "Only X posts up to this day (YYYY-MM-DD or RFC 3339)." },
    { name: "handles", description: "Only posts by these X handles, comma-separated (e.g. xai,elonmusk)." },
    {
      name: "model",
      description: `The Grok model (default ${DEFAULT_CHAT_MODEL}); completes from the model catalog.`,
      complete: "language-model",
    },
  ],
  messages(args) {
    const query = args.query ?? "";
    const sources = parseSources(optional(args, "sources"));
    const from = parseDate("from_date", optional(args, "from_date"), false);
    const to = parseDate("to_date", optional(args, "to_date"), true);
    const handles = parseHandles(optional(args, "handles"));
    if (!sources.x && (from || to || handles.length > 0)) {
      throw new PromptArgumentError(
        from ? "from_date" : to ? "to_date" : "handles",
        "dates and handles narrow the X search: add x to sources",
      );
    }
    if (from && to && from > to) throw new PromptArgumentError("to_date", "is before from_date");
    const tools: Record<string, unknown>[] = [];
    if (sources.web) tools.push({ web_search: {} });
    if (sources.x) {
      tools.push({
        x_search: {
          ...(from ? { from_date: from } : {}),
          ...(to ? { to_date: to } : {}),
          ...(handles.length > 0 ? { allowed_x_handles: handles } : {}),
        },
      });
    }
    const where = [sources.web && "the web", sources.x && "X"].filter(Boolean).join(" and ");
    const toolArgs = {
      model: optional(args, "model") ?? DEFAULT_CHAT_MODEL,
      messages: [
        {
          role: "ROLE_USER",
          content: [{ text: `Search ${where} and answer, citing your sources: ${query}` }],
        },
      ],
      tools,
    };
    return toolCallPrompt(
      `Search ${where} with Grok: ${query}`,
      this.tool,
      toolArgs,
      undefined,
      "Then show Grok's answer, followed by its citations as a list of links.",
    );
  },
};
