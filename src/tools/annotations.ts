import type { ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";

const READ_ONLY = /^(Get|List|Search|Tokenize|Embed|Retrieve|BatchGet|get)/;
const DESTRUCTIVE = /^(Delete|Cancel|Revoke|Remove)/;
/** Calls that leave the same state when repeated: reads, deletes, and updates that set values. */
const IDEMPOTENT =
  /^(Get|List|Search|Tokenize|Embed|Retrieve|BatchGet|get|Delete|Cancel|Revoke|Remove|Update)/;

/**
 * The annotations a method's name implies. Every tool talks to xAI, an outside service, so all are
 * `openWorldHint`. The per-RPC table overrides where the name misleads.
 */
export function annotationsFor(
  methodName: string,
): Required<Pick<ToolAnnotations, "readOnlyHint" | "destructiveHint" | "idempotentHint" | "openWorldHint">> {
  const readOnly = READ_ONLY.test(methodName);
  return {
    readOnlyHint: readOnly,
    destructiveHint: !readOnly && DESTRUCTIVE.test(methodName),
    idempotentHint: IDEMPOTENT.test(methodName),
    openWorldHint: true,
  };
}
