import type { ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";
import { BatchMgmt } from "../../gen/xai/api/v1/batch_pb.js";
import { renderBatch } from "../tools/render/batch.js";
import { responseJson } from "../tools/result.js";
import { jsonWithSummary, type ReadContext } from "./resource-contents.js";

/** `xai://batches/{batch_id}`: the batch (state, counts, cost) as JSON, then the tools' summary. */
export async function readBatch(ctx: ReadContext, uri: string, id: string): Promise<ReadResourceResult> {
  const m = BatchMgmt.method.getBatch;
  const batch = await ctx.client.unary(m, { batchId: id }, { signal: ctx.signal });
  return { contents: jsonWithSummary(uri, responseJson(m.output, batch), renderBatch(batch)) };
}
