/**
 * Which tools a server offers: toolsets (services), single tools added or removed, and read-only
 * mode. Pure and free of descriptors, so the command line can check names without loading them.
 */

/**
 * The toolsets: the service short names tool names start with (`chat_get_completion` is in
 * `chat`), in listing order. A test checks they are the registry's services.
 */
export const TOOLSETS = [
  "chat",
  "image",
  "video",
  "models",
  "sample",
  "embedder",
  "tokenize",
  "files",
  "documents",
  "batch",
  "auth",
  "collections",
] as const;

/** What a server is asked to offer (`--toolsets`, `--tools`, `--exclude-tools`, `--read-only`). */
export interface ToolSelection {
  /** Toolsets whose tools are offered, or `"all"`. */
  readonly toolsets: "all" | readonly string[];
  /** Single tools offered besides the toolsets'. */
  readonly tools: readonly string[];
  /** Tools removed from the toolsets' (and from `tools`). */
  readonly excludeTools: readonly string[];
  /**
   * Only tools that change nothing on xAI or on disk: those whose `readOnlyHint` is true once their
   * writing options (`save_to`, `output_path`, `store_messages`) are taken away.
   */
  readonly readOnly: boolean;
}

/** Every tool, as without any flag. */
export const ALL_TOOLS: ToolSelection = { toolsets: "all", tools: [], excludeTools: [], readOnly: false };

/** The least a selection needs to know of a tool: its name and annotations. */
export interface SelectableTool {
  readonly name: string;
  readonly annotations?: { readonly readOnlyHint?: boolean };
}

/** The toolset of a tool: its name up to the first `_`. */
export function toolsetOf(toolName: string): string {
  return toolName.slice(0, toolName.indexOf("_"));
}

/**
 * The tools a selection keeps, in their order: those of the chosen toolsets plus `tools`, minus
 * `excludeTools`, and in read-only mode only those whose `readOnlyHint` is true (the annotation is
 * the one source of truth; give the tools in their read-only form, write options removed). Used
 * for the listing and for everything else that offers tools to the client, so they all agree.
 */
export function selectTools<T extends { readonly tool: SelectableTool } | SelectableTool>(
  all: readonly T[],
  selection: ToolSelection,
): T[] {
  const sets = selection.toolsets === "all" ? undefined : new Set(selection.toolsets);
  const added = new Set(selection.tools);
  const removed = new Set(selection.excludeTools);
  return all.filter((item) => {
    const tool: SelectableTool = "tool" in item ? item.tool : (item as SelectableTool);
    if (removed.has(tool.name)) return false;
    if (sets && !sets.has(toolsetOf(tool.name)) && !added.has(tool.name)) return false;
    return !selection.readOnly || tool.annotations?.readOnlyHint === true;
  });
}

/**
 * The names of a selection that name nothing: unknown toolsets, then unknown tools. Empty when all
 * is well; the caller turns it into a start-up error that lists the valid names.
 */
export function unknownNames(
  selection: ToolSelection,
  toolNames: readonly string[],
): { toolsets: string[]; tools: string[] } {
  const sets = new Set<string>(TOOLSETS);
  const names = new Set(toolNames);
  return {
    toolsets: selection.toolsets === "all" ? [] : selection.toolsets.filter((s) => !sets.has(s)),
    tools: [...selection.tools, ...selection.excludeTools].filter((t) => !names.has(t)),
  };
}

/** Splits a comma-separated list (`"chat, image"`), dropping blanks. */
export function parseList(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}
