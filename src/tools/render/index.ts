import { renderBatch, renderBatchList } from "./batch.js";
import { renderMetadataPage, renderRequestResult, renderResultsPage } from "./batch-results.js";
import { renderChatCompletion } from "./chat.js";
import {
  renderCollection,
  renderCollectionList,
  renderDocument,
  renderDocumentList,
  renderSearch,
} from "./collections.js";
import { renderEmbeddings, renderTokens } from "./embeddings.js";
import { renderFile, renderFileList } from "./files.js";
import { compactJson } from "./json.js";
import { modelLine, renderModelList } from "./models.js";
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
  "xai_api.ListLanguageModelsResponse": renderModelList,
  "xai_api.ListEmbeddingModelsResponse": renderModelList,
  "xai_api.ListImageGenerationModelsResponse": renderModelList,
  "xai_api.LanguageModel": modelLine,
  "xai_api.EmbeddingModel": modelLine,
  "xai_api.ImageGenerationModel": modelLine,
  "xai_api.ListFilesResponse": renderFileList,
  "xai_api.File": renderFile,
  "xai_api.EmbedResponse": renderEmbeddings,
  "xai_api.TokenizeTextResponse": renderTokens,
  "xai_api.SearchResponse": renderSearch,
  "collections.CollectionMetadata": renderCollection,
  "collections.ListCollectionsResponse": renderCollectionList,
  "collections.DocumentMetadata": renderDocument,
  "collections.ListDocumentsResponse": renderDocumentList,
  "collections.BatchGetDocumentsResponse": renderDocumentList,
};

/** The text block of a result, written for the agent. */
export function renderText(typeName: string, response: Json): string {
  const render = RENDERERS[typeName];
  return render ? render(response) : compactJson(response);
}
