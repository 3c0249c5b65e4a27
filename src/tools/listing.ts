import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { TOOL_LISTING } from "../../gen/tool-listing.js";
import { hostOfPath } from "../grpc/routing.js";
import { RPC_META_KEY } from "./naming.js";

/** What decides which tools a server lists. */
export interface ListingOptions {
  /** List the Collections tools (they need a management key). */
  readonly management: boolean;
}

/** The gRPC path a listed tool carries in its `_meta`. */
export function rpcPathOf(tool: Tool): string {
  return String(tool._meta?.[RPC_META_KEY] ?? "");
}

/** True for a tool whose service is served by the management host (it needs the management key). */
function needsManagementKey(tool: Tool): boolean {
  return hostOfPath(rpcPathOf(tool)) === "management";
}

/**
 * The `tools/list` answer of a configuration: the listing generated at build time
 * (`gen/tool-listing.ts`, see scripts/generate-listing.ts), filtered. Filtering never changes a
 * tool, so a start needs nothing but this module and the generated file.
 */
export function listTools(options: ListingOptions): readonly Tool[] {
  return options.management ? TOOL_LISTING : TOOL_LISTING.filter((t) => !needsManagementKey(t));
}
