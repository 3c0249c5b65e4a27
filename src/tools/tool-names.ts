import type { DescMethod } from "@bufbuild/protobuf";
import { toolName } from "./naming.js";
import { SERVICES } from "./services.js";

/**
 * The tool name of a method (`chat_get_completion_chunk`), as the registry names it: for handlers
 * and renderers that mention a tool in their results, so that no tool name is written by hand.
 */
export function toolNameOf(method: DescMethod): string {
  const short = SERVICES.find((s) => s.service.typeName === method.parent.typeName)?.short;
  return short ? toolName(short, method) : method.name;
}
