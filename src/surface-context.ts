import type { XaiClient } from "./grpc/xai-client.js";
import type { Logger } from "./log.js";

/**
 * What prompts, resources and completions work with: the very client, limits and secrets the tools
 * use, and the tool selection they follow (a prompt or resource whose tools are not listed is not
 * offered either).
 */
export interface SurfaceContext {
  /** The gRPC client the tools call through. */
  client(): Promise<XaiClient>;
  /** The names of the tools `tools/list` answers with. */
  toolNames(): Promise<ReadonlySet<string>>;
  /** Values that must never appear in an answer (the keys). */
  readonly secrets: readonly (string | undefined)[];
  /** Largest image returned inline, in bytes; absent means the tools' default. */
  readonly inlineImageMaxBytes?: number | undefined;
  readonly logger: Logger;
}
