import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { TOOL_LISTING, TOOL_REFERENCES, TOOL_WRITES } from "../../gen/tool-listing.js";
import { hostOfPath } from "../grpc/routing.js";
import { RPC_META_KEY } from "./naming.js";
import { readOnlyForm, variantKey } from "./read-only.js";
import { ALL_TOOLS, selectTools, type ToolSelection } from "./selection.js";

/** What decides which tools a server lists. */
export interface ListingOptions {
  /** List the Collections tools (they need a management key). */
  readonly management: boolean;
  /** Which tools to offer (`--toolsets`, `--tools`, `--exclude-tools`, `--read-only`); default all. */
  readonly selection?: ToolSelection;
}

/** The gRPC path a listed tool carries in its `_meta`. */
export function rpcPathOf(tool: Tool): string {
  return String(tool._meta?.[RPC_META_KEY] ?? "");
}

/** True for a tool whose service is served by the management host (it needs the management key). */
function needsManagementKey(tool: Tool): boolean {
  return hostOfPath(rpcPathOf(tool)) === "management";
}

/** The name of every tool there is (Collections included), in listing order. */
export function allToolNames(): string[] {
  return TOOL_LISTING.map((t) => t.name);
}

/**
 * The tools a configuration lists, as a filter of the listing generated at build time
 * (`gen/tool-listing.ts`, see scripts/generate-listing.ts): the Collections tools only with a
 * management key, read-only forms in read-only mode, then the selection. `variants` maps the
 * listed tools whose schema points at tools left out (a shared message is described in one tool
 * only) to the key of their variant without them (see {@link listTools}).
 */
export function selectListing(options: ListingOptions): { picked: Tool[]; variants: Map<string, string> } {
  const selection = options.selection ?? ALL_TOOLS;
  const base = options.management ? TOOL_LISTING : TOOL_LISTING.filter((t) => !needsManagementKey(t));
  const forms = selection.readOnly ? base.map((t) => readOnlyForm(t, TOOL_WRITES[t.name] ?? [])) : base;
  const picked = selectTools(forms, selection);
  const listed = new Set(picked.map((t) => t.name));
  const variants = new Map<string, string>();
  for (const t of picked) {
    const missing = (TOOL_REFERENCES[t.name] ?? []).filter((r) => !listed.has(r));
    if (missing.length > 0) variants.set(t.name, variantKey(t.name, missing));
  }
  return { picked, variants };
}

/**
 * The `tools/list` answer of a configuration: {@link selectListing}, with the tools that point at
 * tools left out swapped for their variant without them (generated too, in
 * `gen/tool-listing-variants.ts`, loaded only then). Filtering never derives a schema, so a start
 * needs nothing but this module and the generated files; the registry builds the same listing
 * (a test checks it for many configurations).
 */
export async function listTools(options: ListingOptions): Promise<readonly Tool[]> {
  const { picked, variants } = selectListing(options);
  if (variants.size === 0) return picked;
  const { TOOL_VARIANTS } = await import("../../gen/tool-listing-variants.js");
  const readOnly = options.selection?.readOnly === true;
  return picked.map((t) => {
    const key = variants.get(t.name);
    const variant = key === undefined ? undefined : TOOL_VARIANTS[key];
    if (!variant) return t;
    return readOnly ? readOnlyForm(variant, TOOL_WRITES[t.name] ?? []) : variant;
  });
}
