import { renderBatch, renderBatchList } from "./batch.js";
import { renderMetadataPage, renderRequestResult, renderResultsPage } from "./batch-results.js";
import { renderChatCompletion } from "./chat.js";
import { compactJson } from "./json.js";
import { renderSampleText } from "./sample.js";

type Json = Record<string, unknown>;
export type Renderer = (response: Json) => string;

/** Text renderers by response message type; the rest are shown as compact JSON. */
const RENDERERS: Record<string, Renderer> = {
  "xai_api.GetChatCompletionResponse": renderChatCompletion,
  "xai_api.Batch": renderBatch,
  "xai_api.ListBatchesResponse": renderBatchList,
  "xai_api.ListBatchRequestMetadataResponse": renderMetadataPage,
  "xai_api.ListBatchResultsResponse": renderResultsPage,
  "xai_api.GetBatchRequestResultResponse": renderRequestResult,
  "xai_api.SampleTextResponse": renderSampleText,
};

/** The text block of a result, written for the agent. */
export function renderText(typeName: string, response: Json): string {
  const render = RENDERERS[typeName];
  return render ? render(response) : compactJson(response);
}
