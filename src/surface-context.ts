import type { XaiClient } from "./grpc/xai-client.js";
import type { Logger } from "./log.js";
import type { InFlightCalls } from "./tools/in-flight.js";

/**
 * What prompts, resources and completions work with: the very client and limits the tools use,
 * and the tool selection they follow (a prompt or resource whose tools are not listed is not
 * offered either). Their answers are redacted on the way out, like every message of the server.
 */
export interface SurfaceContext {
  /** The gRPC client the tools call through. */
  client(): Promise<XaiClient>;
  /** The names of the tools `tools/list` answers with. */
  toolNames(): Promise<ReadonlySet<string>>;
  /**
   * Whether the listed tool `tool` takes the argument `option` (read-only mode withholds the
   * writing ones, `save_to`, `output_path`): what a hint may tell the person to call.
   */
  offers(tool: string, option: string): Promise<boolean>;
  /** Largest image returned inline, in bytes; absent means the tools' default. */
  readonly inlineImageMaxBytes?: number | undefined;
  readonly logger: Logger;
  /** The requests in flight: a shutdown answers each (reads too) and cancels its gRPC calls. */
  readonly calls: InFlightCalls;
}
