import { type DescMessage, isMessage, type Message, type MessageShape } from "@bufbuild/protobuf";
import {
  BatchSchema,
  GetBatchRequestResultResponseSchema,
  ListBatchesResponseSchema,
  ListBatchRequestMetadataResponseSchema,
  ListBatchResultsResponseSchema,
} from "../../../gen/xai/api/v1/batch_pb.js";
import { GetChatCompletionResponseSchema } from "../../../gen/xai/api/v1/chat_pb.js";
import {
  BatchGetDocumentsResponseSchema,
  CollectionMetadataSchema,
  DocumentMetadataSchema,
  ListCollectionsResponseSchema,
  ListDocumentsResponseSchema,
} from "../../../gen/xai/api/v1/collections_pb.js";
import { SearchResponseSchema } from "../../../gen/xai/api/v1/documents_pb.js";
import { EmbedResponseSchema } from "../../../gen/xai/api/v1/embed_pb.js";
import { FileSchema, ListFilesResponseSchema } from "../../../gen/xai/api/v1/files_pb.js";
import {
  EmbeddingModelSchema,
  ImageGenerationModelSchema,
  LanguageModelSchema,
  ListEmbeddingModelsResponseSchema,
  ListImageGenerationModelsResponseSchema,
  ListLanguageModelsResponseSchema,
} from "../../../gen/xai/api/v1/models_pb.js";
import { SampleTextResponseSchema } from "../../../gen/xai/api/v1/sample_pb.js";
import { TokenizeTextResponseSchema } from "../../../gen/xai/api/v1/tokenize_pb.js";
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

/** The text of one response message type: from the typed message, with its protobuf JSON at hand. */
export type Renderer<M extends DescMessage> = (message: MessageShape<M>, json: Json) => string;

/** A renderer with its message type checked at run time, so one table holds every type. */
type Entry = (message: Message, json: Json) => string;

function entry<M extends DescMessage>(schema: M, render: Renderer<M>): [DescMessage, Entry] {
  return [
    schema,
    (message, json) => (isMessage(message, schema) ? render(message, json) : compactJson(json)),
  ];
}

/** Text renderers by response message schema; the rest are shown as compact JSON. */
const RENDERERS: ReadonlyMap<DescMessage, Entry> = new Map([
  entry(GetChatCompletionResponseSchema, renderChatCompletion),
  entry(BatchSchema, renderBatch),
  entry(ListBatchesResponseSchema, renderBatchList),
  entry(ListBatchRequestMetadataResponseSchema, (m) => renderMetadataPage(m)),
  entry(ListBatchResultsResponseSchema, (m) => renderResultsPage(m)),
  entry(GetBatchRequestResultResponseSchema, renderRequestResult),
  entry(SampleTextResponseSchema, renderSampleText),
  entry(ListLanguageModelsResponseSchema, renderModelList),
  entry(ListEmbeddingModelsResponseSchema, renderModelList),
  entry(ListImageGenerationModelsResponseSchema, renderModelList),
  entry(LanguageModelSchema, modelLine),
  entry(EmbeddingModelSchema, modelLine),
  entry(ImageGenerationModelSchema, modelLine),
  entry(ListFilesResponseSchema, renderFileList),
  entry(FileSchema, renderFile),
  entry(EmbedResponseSchema, renderEmbeddings),
  entry(TokenizeTextResponseSchema, renderTokens),
  entry(SearchResponseSchema, renderSearch),
  entry(CollectionMetadataSchema, renderCollection),
  entry(ListCollectionsResponseSchema, renderCollectionList),
  entry(DocumentMetadataSchema, renderDocument),
  entry(ListDocumentsResponseSchema, renderDocumentList),
  entry(BatchGetDocumentsResponseSchema, renderDocumentList),
]);

/** The text block of a result, written for the agent; `json` is the message in protobuf JSON. */
export function renderText<M extends DescMessage>(schema: M, message: MessageShape<M>, json: Json): string {
  const render = RENDERERS.get(schema);
  return render ? render(message, json) : compactJson(json);
}
