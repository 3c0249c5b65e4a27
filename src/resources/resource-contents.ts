import type { ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";
import type { XaiClient } from "../grpc/xai-client.js";

type Contents = ReadResourceResult["contents"];

/** What a read uses: the tools' client, the cancellation of the request, the tools' inline limit. */
export interface ReadContext {
  readonly client: XaiClient;
  readonly signal: AbortSignal;
  readonly inlineImageMaxBytes?: number | undefined;
  /** The tools the server lists (a read shows only what they would). */
  readonly toolNames: ReadonlySet<string>;
  /** Whether a listed tool takes an argument (see `SurfaceContext.offers`). */
  readonly offers: (tool: string, option: string) => Promise<boolean>;
}

/** An object resource: the response in protobuf JSON, then a short markdown summary for people. */
export function jsonWithSummary(uri: string, json: unknown, summary: string): Contents {
  return [
    { uri, mimeType: "application/json", text: JSON.stringify(json, null, 2) },
    { uri, mimeType: "text/markdown", text: summary },
  ];
}
