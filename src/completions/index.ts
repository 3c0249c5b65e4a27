export type { CompletionKind } from "./completion-kind.js";
export { COMPLETION_CACHE_MS, type Completions, registerCompletions } from "./register-completions.js";
export { TtlCache } from "./ttl-cache.js";
