import type { DescMethod } from "@bufbuild/protobuf";
import { toolName } from "../naming.js";
import { SERVICES } from "../services.js";

/** The tool name of a method (`chat_get_completion_chunk`), for handlers that mention it in results. */
export function toolNameOf(method: DescMethod): string {
  const short = SERVICES.find((s) => s.service.typeName === method.parent.typeName)?.short;
  return short ? toolName(short, method) : method.name;
}
