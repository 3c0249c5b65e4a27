import { basename } from "node:path";
import { pathToFileURL } from "node:url";
import type { ResourceLink } from "@modelcontextprotocol/sdk/types.js";

/** A `resource_link` content block for a file this server wrote: its `file://` URI, name, type and size. */
export function fileLink(path: string, mimeType: string, size: number, description?: string): ResourceLink {
  return {
    type: "resource_link",
    uri: pathToFileURL(path).href,
    name: basename(path),
    mimeType,
    size,
    ...(description ? { description } : {}),
  };
}
