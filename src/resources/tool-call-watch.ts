import type { ToolSource } from "../tools/tool-source.js";

/** What a successful tool call may have changed. */
export interface ToolCallEffects {
  /** Called after a successful call of a tool in `fileTools` (the account's file list changed). */
  readonly onFilesChanged: () => void;
  /** Called after any successful call of a tool not marked read-only (ids may have come or gone). */
  readonly onAccountChanged: () => void;
}

/**
 * The same tools, with their successful calls reported: what resources and completions show of
 * the account is then refreshed (and the client told its file list changed).
 */
export function watchToolCalls(
  source: ToolSource,
  fileTools: ReadonlySet<string>,
  effects: ToolCallEffects,
): ToolSource {
  return {
    ...source,
    definition: async (name) => {
      const definition = await source.definition(name);
      if (!definition || definition.tool.annotations?.readOnlyHint === true) return definition;
      return {
        ...definition,
        call: async (args, ctx) => {
          const result = await definition.call(args, ctx);
          if (!result.isError) {
            effects.onAccountChanged();
            if (fileTools.has(name)) effects.onFilesChanged();
          }
          return result;
        },
      };
    },
  };
}
