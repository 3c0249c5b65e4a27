/**
 * The tools' required fields and the emulator agree, tool by tool: a call without a required field
 * is refused by the tool before anything is sent (the zod check, naming the field) and by the
 * emulator called directly over gRPC (INVALID_ARGUMENT); a call with only the required fields
 * (every optional one left out) passes both. "Passes" means no argument error: the call may still
 * end in NOT_FOUND or FAILED_PRECONDITION where a resource has gone (a second delete), which is
 * about state, not about the request's shape.
 */
import {
  type DescMethod,
  type DescMethodServerStreaming,
  type DescMethodUnary,
  fromJson,
  type JsonValue,
} from "@bufbuild/protobuf";
import { status as Status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../emulator/index.js";
import { BatchMgmt } from "../gen/xai/api/v1/batch_pb.js";
import { Chat } from "../gen/xai/api/v1/chat_pb.js";
import { Collections } from "../gen/xai/api/v1/collections_pb.js";
import { Video } from "../gen/xai/api/v1/video_pb.js";
import { XaiClient } from "../src/grpc/xai-client.js";
import { Logger } from "../src/log.js";
import { applyImageDefaults } from "../src/media/image-defaults.js";
import { expandShorthands } from "../src/schema/shorthand.js";
import { rpcPath } from "../src/tools/naming.js";
import { buildTools } from "../src/tools/registry.js";
import { REQUIRED_FIELDS } from "../src/tools/required-fields.js";
import type { ToolContext, ToolDefinition } from "../src/tools/tool.js";
import { upload } from "./emulator/collections-helpers.js";

let emu: RunningEmulator;
let client: XaiClient;
const tools = buildTools({ management: true });
const byName = new Map(tools.map((t) => [t.tool.name, t]));

/** Ids of resources made for the calls, filled in before the tests run. */
const ids = {
  file: "",
  fileToDelete: "",
  fileToAdd: "",
  batch: "",
  batchToCancel: "",
  collection: "",
  collectionToDelete: "",
  storedResponse: "",
  storedToDelete: "",
  deferredChat: "",
  videoJob: "",
  videoUrl: "",
};

const chat = { model: "grok-4", messages: [{ role: "user", content: "Hi" }] };

/** The least each tool needs: its required fields, nothing else. */
const MINIMAL: Record<string, () => Record<string, unknown>> = {
  chat_get_completion: () => chat,
  chat_get_completion_chunk: () => chat,
  chat_start_deferred_completion: () => chat,
  chat_get_deferred_completion: () => ({ request_id: ids.deferredChat }),
  chat_get_stored_completion: () => ({ response_id: ids.storedResponse }),
  chat_delete_stored_completion: () => ({ response_id: ids.storedToDelete }),
  chat_compact_context: () => ({ model: "grok-4", input: chat.messages }),
  image_generate_image: () => ({ prompt: "A lighthouse", model: "grok-imagine-image" }),
  video_generate_video: () => ({ prompt: "A lighthouse", model: "grok-imagine-video" }),
  video_extend_video: () => ({ prompt: "Waves", video: { url: ids.videoUrl }, model: "grok-imagine-video" }),
  video_get_deferred_video: () => ({ request_id: ids.videoJob }),
  models_list_language_models: () => ({}),
  models_list_embedding_models: () => ({}),
  models_list_image_generation_models: () => ({}),
  models_get_language_model: () => ({ name: "grok-4" }),
  models_get_embedding_model: () => ({ name: "grok-embedding-small" }),
  models_get_image_generation_model: () => ({ name: "grok-imagine-image" }),
  sample_sample_text: () => ({ prompt: ["Once upon a time"], model: "grok-3-mini" }),
  sample_sample_text_streaming: () => ({ prompt: ["Once upon a time"], model: "grok-3-mini" }),
  embedder_embed: () => ({ input: ["hello"], model: "grok-embedding-small" }),
  tokenize_tokenize_text: () => ({ model: "grok-4" }),
  files_list_files: () => ({}),
  files_retrieve_file: () => ({ file_id: ids.file }),
  files_delete_file: () => ({ file_id: ids.fileToDelete }),
  files_retrieve_file_content: () => ({ file_id: ids.file }),
  files_create_public_url: () => ({ file_id: ids.file }),
  files_revoke_public_url: () => ({ file_id: ids.file }),
  documents_search: () => ({ query: "lighthouse", source: { collection_ids: [ids.collection] } }),
  batch_create_batch: () => ({ name: "agreement" }),
  batch_get_batch: () => ({ batch_id: ids.batch }),
  batch_list_batches: () => ({}),
  batch_cancel_batch: () => ({ batch_id: ids.batchToCancel }),
  batch_add_batch_requests: () => ({
    batch_id: ids.batch,
    batch_requests: [{ image_request: { prompt: "A lighthouse", model: "grok-imagine-image" } }],
  }),
  batch_list_batch_request_metadata: () => ({ batch_id: ids.batch }),
  batch_list_batch_results: () => ({ batch_id: ids.batch }),
  batch_get_batch_request_result: () => ({ batch_id: ids.batch, batch_request_id: "first" }),
  auth_get_api_key_info: () => ({}),
  collections_create_collection: () => ({ collection_name: "agreement" }),
  collections_list_collections: () => ({}),
  collections_delete_collection: () => ({ collection_id: ids.collectionToDelete }),
  collections_get_collection_metadata: () => ({ collection_id: ids.collection }),
  collections_update_document: () => ({ collection_id: ids.collection, file_id: ids.file }),
  collections_list_documents: () => ({ collection_id: ids.collection }),
  collections_get_document_metadata: () => ({ collection_id: ids.collection, file_id: ids.file }),
  collections_add_document_to_collection: () => ({ collection_id: ids.collection, file_id: ids.fileToAdd }),
  collections_remove_document_from_collection: () => ({
    collection_id: ids.collection,
    file_id: ids.fileToAdd,
  }),
  collections_re_index_document: () => ({ collection_id: ids.collection, file_id: ids.file }),
  collections_update_collection: () => ({ collection_id: ids.collection }),
  collections_batch_get_documents: () => ({ collection_id: ids.collection, file_ids: [ids.file] }),
  collections_generate_collection_description: () => ({ collection_id: ids.collection }),
};

/**
 * Tools whose arguments are not one request message: the upload takes a local path, text or
 * base64 and streams chunks (its own checks are tested in files-transfer.test.ts).
 */
const NOT_A_REQUEST = new Set(["files_upload_file"]);

function context(): ToolContext {
  return {
    client,
    signal: new AbortController().signal,
    progress: async () => {},
    wantsProgress: false,
    log: new Logger("error"),
  };
}

/** The tool's answer: refused before sending (its problem lines), or passed on. */
async function viaTool(tool: ToolDefinition, args: Record<string, unknown>): Promise<string | undefined> {
  const result = await tool.call(args, context());
  const text = result.content[0]?.type === "text" ? result.content[0].text : "";
  return result.isError && text.startsWith("Invalid arguments") ? text : undefined;
}

/** The emulator's answer to the same request sent directly: its status code, 0 when it succeeded. */
async function viaEmulator(method: DescMethod, args: Record<string, unknown>): Promise<number> {
  const request = fromJson(method.input, expandShorthands(method.input, args) as JsonValue) as never;
  // The tool's defaults are part of what it sends.
  if (method.input.typeName === "xai_api.GenerateImageRequest") applyImageDefaults(request);
  if (method.input.typeName === "xai_api.AddBatchRequestsRequest") {
    for (const r of (request as { batchRequests: { request: { case?: string; value: never } }[] })
      .batchRequests)
      if (r.request.case === "imageRequest") applyImageDefaults(r.request.value);
  }
  try {
    switch (method.methodKind) {
      case "unary":
        await client.unary(method as DescMethodUnary, request);
        break;
      case "server_streaming":
        for await (const _ of client.serverStream(method as DescMethodServerStreaming, request)) {
          // Drained: a refusal comes as the stream's status.
        }
        break;
      default:
        throw new Error(`${method.name}: no direct call for ${method.methodKind}`);
    }
    return Status.OK;
  } catch (e) {
    return (e as { code: number }).code;
  }
}

beforeAll(async () => {
  emu = await startEmulator({ deferredPendingPolls: 0 });
  client = new XaiClient({
    api: { host: emu.url, key: emu.context.config.apiKey },
    management: { host: emu.url, key: emu.context.config.managementKey },
    timeoutMs: 20_000,
  });
  ids.file = await upload(client, "notes.txt", "A lighthouse stands on the cliff.");
  ids.fileToDelete = await upload(client, "old.txt", "old");
  ids.fileToAdd = await upload(client, "more.txt", "More about lighthouses.");
  ids.batch = (await client.unary(BatchMgmt.method.createBatch, { name: "a" })).batchId;
  await client.unary(BatchMgmt.method.addBatchRequests, {
    batchId: ids.batch,
    batchRequests: [
      {
        batchRequestId: "first",
        request: {
          case: "completionRequest",
          value: {
            model: "grok-4",
            messages: [{ role: 1, content: [{ content: { case: "text", value: "Hi" } }] }],
          },
        },
      },
    ],
  });
  ids.batchToCancel = (await client.unary(BatchMgmt.method.createBatch, { name: "b" })).batchId;
  ids.collection = (
    await client.unary(Collections.method.createCollection, { collectionName: "c" })
  ).collectionId;
  await client.unary(Collections.method.addDocumentToCollection, {
    collectionId: ids.collection,
    fileId: ids.file,
  });
  ids.collectionToDelete = (
    await client.unary(Collections.method.createCollection, { collectionName: "d" })
  ).collectionId;
  const stored = (n: string) =>
    client.unary(Chat.method.getCompletion, {
      model: "grok-4",
      storeMessages: true,
      messages: [{ role: 1, content: [{ content: { case: "text", value: n } }] }],
    });
  ids.storedResponse = (await stored("one")).id;
  ids.storedToDelete = (await stored("two")).id;
  ids.deferredChat = (
    await client.unary(Chat.method.startDeferredCompletion, {
      model: "grok-4",
      messages: [{ role: 1, content: [{ content: { case: "text", value: "Hi" } }] }],
    })
  ).requestId;
  ids.videoJob = (
    await client.unary(Video.method.generateVideo, { prompt: "A lighthouse", model: "grok-imagine-video" })
  ).requestId;
  for (let poll = 0; poll < 10 && !ids.videoUrl; poll++) {
    const res = await client.unary(Video.method.getDeferredVideo, { requestId: ids.videoJob });
    ids.videoUrl = res.response?.video?.url ?? "";
  }
  expect(ids.videoUrl, "the emulator finished the video").not.toBe("");
});

afterAll(async () => {
  client?.close();
  await emu?.close();
});

describe("required fields", () => {
  it("has minimal arguments for every tool", () => {
    const names = tools.map((t) => t.tool.name).filter((n) => !NOT_A_REQUEST.has(n));
    expect(Object.keys(MINIMAL).sort()).toEqual(names.sort());
  });

  it("advertises each tool's required fields in its input schema", () => {
    for (const { tool, method } of tools) {
      expect(tool.inputSchema.required, tool.name).toEqual(REQUIRED_FIELDS[rpcPath(method)]);
    }
  });

  for (const [name, minimal] of Object.entries(MINIMAL)) {
    describe(name, () => {
      const definition = () => {
        const d = byName.get(name);
        if (!d) throw new Error(`no tool ${name}`);
        return d;
      };

      it("without a required field, is refused by the tool and by the emulator", async () => {
        const d = definition();
        const required = REQUIRED_FIELDS[rpcPath(d.method)] ?? [];
        for (const field of required) {
          const args = { ...minimal() };
          delete args[field];
          const refusal = await viaTool(d, args);
          expect(refusal, `${name} without ${field}: the tool refuses`).toContain(`- ${field}: required`);
          expect(await viaEmulator(d.method, args), `${name} without ${field}: the emulator refuses`).toBe(
            Status.INVALID_ARGUMENT,
          );
        }
      });

      it("with only its required fields, passes the tool and the emulator", async () => {
        const d = definition();
        expect(await viaTool(d, minimal()), `${name}: the tool accepts`).toBeUndefined();
        expect(await viaEmulator(d.method, minimal()), `${name}: the emulator accepts`).not.toBe(
          Status.INVALID_ARGUMENT,
        );
      });
    });
  }

  it("refuses batch_add_batch_requests without requests or input_path, as the emulator does", async () => {
    const d = byName.get("batch_add_batch_requests") as ToolDefinition;
    expect(await viaTool(d, { batch_id: ids.batch })).toContain("- batch_requests: required");
    expect(await viaTool(d, { batch_id: ids.batch, batch_requests: [] })).toContain(
      "- batch_requests: required",
    );
    expect(await viaEmulator(d.method, { batch_id: ids.batch })).toBe(Status.INVALID_ARGUMENT);
  });

  it("refuses a blank required string and an empty required list before sending", async () => {
    const d = byName.get("chat_get_completion") as ToolDefinition;
    expect(await viaTool(d, { model: "  ", messages: chat.messages })).toContain("- model: required");
    expect(await viaTool(d, { model: "grok-4", messages: [] })).toContain("- messages: required");
  });
});
