import type { DescService } from "@bufbuild/protobuf";
import { rpcPath } from "./naming.js";

/**
 * The request fields xAI refuses to go without, per RPC (keyed by gRPC path like the RPC table).
 * proto3 has no required fields, so this is the one place that says it: the input schemas list
 * them in `required`, the validators refuse a call without them (and an empty string or list in
 * them, which the wire cannot tell from "unset") before anything is sent, and wherever the same
 * request message appears inside another (a batch's `completion_request`) the same rule holds.
 * RPCs that are not listed have no required field. A test checks the emulator refuses each of
 * these when it is missing and accepts every request that has them.
 */
export const REQUIRED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  "/xai_api.Chat/GetCompletion": ["model", "messages"],
  "/xai_api.Chat/GetCompletionChunk": ["model", "messages"],
  "/xai_api.Chat/StartDeferredCompletion": ["model", "messages"],
  "/xai_api.Chat/GetDeferredCompletion": ["request_id"],
  "/xai_api.Chat/GetStoredCompletion": ["response_id"],
  "/xai_api.Chat/DeleteStoredCompletion": ["response_id"],
  "/xai_api.Chat/CompactContext": ["model", "input"],
  "/xai_api.Image/GenerateImage": ["prompt", "model"],
  "/xai_api.Video/GenerateVideo": ["prompt", "model"],
  "/xai_api.Video/ExtendVideo": ["prompt", "video", "model"],
  "/xai_api.Video/GetDeferredVideo": ["request_id"],
  "/xai_api.Models/GetLanguageModel": ["name"],
  "/xai_api.Models/GetEmbeddingModel": ["name"],
  "/xai_api.Models/GetImageGenerationModel": ["name"],
  "/xai_api.Sample/SampleText": ["prompt", "model"],
  "/xai_api.Sample/SampleTextStreaming": ["prompt", "model"],
  "/xai_api.Embedder/Embed": ["input", "model"],
  "/xai_api.Tokenize/TokenizeText": ["model"],
  "/xai_api.Files/RetrieveFile": ["file_id"],
  "/xai_api.Files/DeleteFile": ["file_id"],
  "/xai_api.Files/RetrieveFileContent": ["file_id"],
  "/xai_api.Files/CreatePublicUrl": ["file_id"],
  "/xai_api.Files/RevokePublicUrl": ["file_id"],
  "/xai_api.Documents/Search": ["query", "source"],
  "/xai_api.BatchMgmt/CreateBatch": ["name"],
  "/xai_api.BatchMgmt/GetBatch": ["batch_id"],
  "/xai_api.BatchMgmt/CancelBatch": ["batch_id"],
  // batch_requests may instead come from the tool's input_path.
  "/xai_api.BatchMgmt/AddBatchRequests": ["batch_id"],
  "/xai_api.BatchMgmt/ListBatchRequestMetadata": ["batch_id"],
  "/xai_api.BatchMgmt/ListBatchResults": ["batch_id"],
  "/xai_api.BatchMgmt/GetBatchRequestResult": ["batch_id", "batch_request_id"],
  "/collections.Collections/CreateCollection": ["collection_name"],
  "/collections.Collections/DeleteCollection": ["collection_id"],
  "/collections.Collections/GetCollectionMetadata": ["collection_id"],
  "/collections.Collections/UpdateDocument": ["collection_id", "file_id"],
  "/collections.Collections/ListDocuments": ["collection_id"],
  "/collections.Collections/GetDocumentMetadata": ["collection_id", "file_id"],
  "/collections.Collections/AddDocumentToCollection": ["collection_id", "file_id"],
  "/collections.Collections/RemoveDocumentFromCollection": ["collection_id", "file_id"],
  "/collections.Collections/ReIndexDocument": ["collection_id", "file_id"],
  "/collections.Collections/UpdateCollection": ["collection_id"],
  "/collections.Collections/BatchGetDocuments": ["collection_id", "file_ids"],
  "/collections.Collections/GenerateCollectionDescription": ["collection_id"],
};

/** Required fields by request message full name, wherever that message is used. */
export type RequiredByMessage = ReadonlyMap<string, readonly string[]>;

/**
 * {@link REQUIRED_FIELDS} keyed by each RPC's input message. RPCs that share an input message must
 * agree on its required fields (the three chat calls do); a disagreement is a programming error.
 */
export function requiredByMessage(services: readonly { readonly service: DescService }[]): RequiredByMessage {
  const out = new Map<string, readonly string[]>();
  for (const { service } of services) {
    for (const method of service.methods) {
      const fields = REQUIRED_FIELDS[rpcPath(method)];
      if (!fields) continue;
      const known = new Set(method.input.fields.map((f) => f.name));
      for (const f of fields) {
        if (!known.has(f))
          throw new Error(`${rpcPath(method)}: required field ${f} is not in ${method.input.typeName}`);
      }
      const before = out.get(method.input.typeName);
      if (before && before.join() !== fields.join()) {
        throw new Error(`${method.input.typeName}: RPCs disagree on its required fields`);
      }
      out.set(method.input.typeName, fields);
    }
  }
  return out;
}
