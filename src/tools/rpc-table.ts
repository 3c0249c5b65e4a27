import type { ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import { addBatchRequestsTool } from "./handlers/batch-add-requests.js";
import { getBatchRequestResultTool } from "./handlers/batch-get-result.js";
import { listBatchesTool } from "./handlers/batch-list-batches.js";
import { listBatchRequestMetadataTool } from "./handlers/batch-list-metadata.js";
import { listBatchResultsTool } from "./handlers/batch-list-results.js";
import {
  chatDeferredTool,
  extendVideoTool,
  generateVideoTool,
  startDeferredCompletionTool,
} from "./handlers/deferred-handler.js";
import { filesDownloadTool } from "./handlers/files-retrieve-file-content.js";
import { filesUploadTool } from "./handlers/files-upload-file.js";
import { imageGenerateTool } from "./handlers/image-generate-image.js";
import { chatCompletionTool, deleteStoredTool, storedCompletionTool } from "./handlers/stored-completion.js";
import { chatStreamTool } from "./handlers/stream-chat.js";
import { sampleStreamTool } from "./handlers/stream-sample.js";
import { videoDeferredTool } from "./handlers/video-get-deferred-video.js";
import type { ToolBehaviour } from "./tool.js";

/** The human choices for one RPC's tool; everything else is derived from the descriptors. */
export interface RpcChoice {
  /** The tool's `title`. */
  readonly title: string;
  /** Guidance added after the proto documentation of the RPC. */
  readonly note?: string;
  /** Annotations where the method name alone misleads. */
  readonly annotations?: Partial<ToolAnnotations>;
  /**
   * Special behaviour, defined against the RPC's generated method (with its tool-level options);
   * without it a unary RPC is simply sent and its answer returned.
   */
  readonly behaviour?: ToolBehaviour;
  /**
   * Arguments that write, on xAI or on disk, in a tool that otherwise only reads. The tool's
   * annotations describe it with them (`readOnlyHint: false`); read-only mode (`--read-only`)
   * offers it without them, as a read-only tool, and refuses them when sent.
   */
  readonly writes?: readonly string[];
}

/**
 * One entry per RPC, keyed by gRPC path. A test checks that every key names a real RPC and every
 * RPC has an entry. Streaming RPCs have no tool until their handler exists.
 */
export const RPC_TABLE: Readonly<Record<string, RpcChoice>> = {
  "/xai_api.Chat/GetCompletion": {
    title: "Chat completion",
    note:
      'Minimal call: {"model":"grok-4","messages":[{"role":"user","content":"Hi"}]} (shorthands: content as a string, enum values without prefix). ' +
      'Agent tools run at xAI, e.g. "tools":[{"x_search":{"allowed_x_handles":["xai"]}}],"include":["INLINE_CITATIONS"]: the result shows each server-side call, the answer, numbered citations.',
    // Sampling gives a different answer each time: repeating the call is not a no-op.
    // store_messages keeps the conversation on xAI: the tool is read-only only without it.
    annotations: { idempotentHint: false, readOnlyHint: false },
    writes: ["store_messages"],
    behaviour: chatCompletionTool,
  },
  "/xai_api.Chat/GetCompletionChunk": {
    title: "Chat completion (streamed)",
    note: 'Returns the same result as chat_get_completion; with a progress token each chunk\'s new text arrives as a progress message, and with "include":["VERBOSE_STREAMING"] each server-side tool call too.',
    annotations: { idempotentHint: false, readOnlyHint: false },
    writes: ["store_messages"],
    behaviour: chatStreamTool,
  },
  "/xai_api.Chat/StartDeferredCompletion": {
    title: "Start a deferred chat completion",
    behaviour: startDeferredCompletionTool,
  },
  "/xai_api.Chat/GetDeferredCompletion": {
    title: "Get a deferred chat completion",
    behaviour: chatDeferredTool,
  },
  "/xai_api.Chat/GetStoredCompletion": {
    title: "Get a stored chat completion",
    behaviour: storedCompletionTool,
  },
  "/xai_api.Chat/DeleteStoredCompletion": {
    title: "Delete a stored chat completion",
    behaviour: deleteStoredTool,
  },
  "/xai_api.Chat/CompactContext": { title: "Compact a conversation", annotations: { readOnlyHint: true } },
  "/xai_api.Image/GenerateImage": {
    title: "Generate images",
    behaviour: imageGenerateTool,
  },
  "/xai_api.Video/GenerateVideo": {
    title: "Start a video generation",
    note: "image and reference_images also take a local path or file:// URI in the allowed directories.",
    behaviour: generateVideoTool,
  },
  "/xai_api.Video/ExtendVideo": {
    title: "Start a video extension",
    behaviour: extendVideoTool,
  },
  "/xai_api.Video/GetDeferredVideo": {
    title: "Get a deferred video",
    // save_to writes the finished video to a new local file on every call.
    annotations: { readOnlyHint: false, idempotentHint: false },
    writes: ["save_to"],
    behaviour: videoDeferredTool,
  },
  "/xai_api.Models/ListLanguageModels": { title: "List language models" },
  "/xai_api.Models/ListEmbeddingModels": { title: "List embedding models" },
  "/xai_api.Models/ListImageGenerationModels": { title: "List image generation models" },
  "/xai_api.Models/GetLanguageModel": { title: "Get a language model" },
  "/xai_api.Models/GetEmbeddingModel": { title: "Get an embedding model" },
  "/xai_api.Models/GetImageGenerationModel": { title: "Get an image generation model" },
  "/xai_api.Sample/SampleText": {
    title: "Sample raw text",
    annotations: { readOnlyHint: true, idempotentHint: false },
  },
  "/xai_api.Sample/SampleTextStreaming": {
    title: "Sample raw text (streamed)",
    note: "Returns the same result as sample_sample_text; with a progress token each chunk's new text arrives as a progress message.",
    annotations: { readOnlyHint: true, idempotentHint: false },
    behaviour: sampleStreamTool,
  },
  "/xai_api.Embedder/Embed": { title: "Embed texts or images" },
  "/xai_api.Tokenize/TokenizeText": { title: "Tokenize text" },
  "/xai_api.Files/UploadFile": {
    title: "Upload a file",
    behaviour: filesUploadTool,
  },
  "/xai_api.Files/ListFiles": { title: "List files" },
  "/xai_api.Files/RetrieveFile": { title: "Get file metadata" },
  "/xai_api.Files/DeleteFile": { title: "Delete a file" },
  "/xai_api.Files/RetrieveFileContent": {
    title: "Download a file",
    // save_to writes a local file: not read-only, though xAI's side is only read.
    annotations: { readOnlyHint: false },
    writes: ["save_to", "overwrite"],
    behaviour: filesDownloadTool,
  },
  "/xai_api.Files/CreatePublicUrl": { title: "Create a public file URL" },
  "/xai_api.Files/RevokePublicUrl": { title: "Revoke a public file URL" },
  "/xai_api.Documents/Search": { title: "Search collections" },
  "/xai_api.BatchMgmt/CreateBatch": { title: "Create a batch" },
  "/xai_api.BatchMgmt/GetBatch": { title: "Get a batch" },
  "/xai_api.BatchMgmt/ListBatches": {
    title: "List batches",
    behaviour: listBatchesTool,
  },
  "/xai_api.BatchMgmt/CancelBatch": { title: "Cancel a batch" },
  "/xai_api.BatchMgmt/AddBatchRequests": {
    title: "Add requests to a batch",
    behaviour: addBatchRequestsTool,
  },
  "/xai_api.BatchMgmt/ListBatchRequestMetadata": {
    title: "List a batch's request states",
    behaviour: listBatchRequestMetadataTool,
    // output_path writes a local file.
    annotations: { readOnlyHint: false },
    writes: ["output_path", "overwrite", "append"],
  },
  "/xai_api.BatchMgmt/ListBatchResults": {
    title: "List a batch's results",
    behaviour: listBatchResultsTool,
    // output_path writes a local file: not read-only, like the other tools that save files.
    annotations: { readOnlyHint: false },
    writes: ["output_path", "overwrite", "append"],
  },
  "/xai_api.BatchMgmt/GetBatchRequestResult": {
    title: "Get one batch result",
    behaviour: getBatchRequestResultTool,
  },
  "/xai_api.Auth/get_api_key_info": { title: "Describe the API key" },
  "/collections.Collections/CreateCollection": { title: "Create a collection" },
  "/collections.Collections/ListCollections": { title: "List collections" },
  "/collections.Collections/DeleteCollection": { title: "Delete a collection" },
  "/collections.Collections/GetCollectionMetadata": { title: "Get a collection" },
  "/collections.Collections/UpdateDocument": { title: "Update a document" },
  "/collections.Collections/ListDocuments": { title: "List a collection's documents" },
  "/collections.Collections/GetDocumentMetadata": { title: "Get a document" },
  "/collections.Collections/AddDocumentToCollection": { title: "Add a file to a collection" },
  "/collections.Collections/RemoveDocumentFromCollection": { title: "Remove a document from a collection" },
  "/collections.Collections/ReIndexDocument": {
    title: "Re-index a document",
    annotations: { idempotentHint: true },
  },
  "/collections.Collections/UpdateCollection": { title: "Update a collection" },
  "/collections.Collections/BatchGetDocuments": { title: "Get several documents" },
  "/collections.Collections/GenerateCollectionDescription": { title: "Describe a collection" },
};
