import type { DescService } from "@bufbuild/protobuf";
import { toolName } from "./naming.js";

/** The gRPC method names of the services, each with the tool that calls it. */
export function methodTools(
  services: readonly { readonly short: string; readonly service: DescService }[],
): Map<string, string> {
  const out = new Map<string, string>();
  for (const { short, service } of services) {
    for (const method of service.methods) {
      const tool = toolName(short, method);
      out.set(`${service.name}.${method.name}`, tool);
      // Bare names only where they cannot be an ordinary word ("Search", "Embed" can).
      if (/[a-z][A-Z]|_/.test(method.name)) out.set(method.name, tool);
    }
  }
  return out;
}

/**
 * Documentation as agents read it: the proto comments speak of RPCs (`GetDeferredVideo`,
 * `Chat.GetCompletion`), but an agent can only call tools, so each method name becomes the name of
 * its tool (`video_get_deferred_video`). Everything else is left as written.
 */
export function withToolNames(
  docs: Readonly<Record<string, string>>,
  services: readonly { readonly short: string; readonly service: DescService }[],
): Record<string, string> {
  const tools = methodTools(services);
  // Longest first, so that `Chat.GetCompletion` wins over `GetCompletion`.
  const names = [...tools.keys()].sort((a, b) => b.length - a.length).map((n) => n.replace(".", "\\."));
  const pattern = new RegExp(`(?<![\\w.])(${names.join("|")})(?![\\w])`, "g");
  const out: Record<string, string> = {};
  for (const [key, text] of Object.entries(docs)) {
    out[key] = text.replace(pattern, (name) => tools.get(name) ?? name);
  }
  return out;
}
