import type { Tool, ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";

/**
 * The forms of a tool that depend on the configuration, as pure functions of the tool itself: the
 * registry applies them as it builds, the listing filter to the generated listing, so both give
 * the same `tools/list` by construction. Free of generated code, so `npm run generate` can load it.
 */

/** A writing tool's annotations once its writing arguments are taken away. */
export function readOnlyAnnotations(annotations: ToolAnnotations | undefined): ToolAnnotations {
  const out: ToolAnnotations = { ...annotations, readOnlyHint: true };
  // MCP gives destructiveHint and idempotentHint meaning only for tools that write.
  delete out.destructiveHint;
  delete out.idempotentHint;
  return out;
}

/**
 * A tool as read-only mode offers it: without the arguments that write (`withheld`, e.g.
 * `save_to`), read-only, and saying so. The registry and the listing filter both use it, so a
 * filtered listing is the registry's own.
 */
export function readOnlyForm(tool: Tool, withheld: readonly string[]): Tool {
  if (withheld.length === 0) return tool;
  const properties = { ...tool.inputSchema.properties };
  for (const name of withheld) delete properties[name];
  return {
    ...tool,
    description: `${tool.description}\nRead-only mode: ${withheld.join(", ")} not available.`,
    inputSchema: { ...tool.inputSchema, properties },
    annotations: readOnlyAnnotations(tool.annotations),
  };
}

/** The key of a tool's variant without the tools of `missing` (see `gen/tool-listing-variants.ts`). */
export function variantKey(name: string, missing: readonly string[]): string {
  return `${name}|${[...missing].sort().join(",")}`;
}
