import type { DescService } from "@bufbuild/protobuf";
import { docs as protoDocs } from "../../gen/docs.js";
import { Auth } from "../../gen/xai/api/v1/auth_pb.js";
import { BatchMgmt } from "../../gen/xai/api/v1/batch_pb.js";
import { Chat } from "../../gen/xai/api/v1/chat_pb.js";
import { Collections } from "../../gen/xai/api/v1/collections_pb.js";
import { Documents } from "../../gen/xai/api/v1/documents_pb.js";
import { Embedder } from "../../gen/xai/api/v1/embed_pb.js";
import { Files } from "../../gen/xai/api/v1/files_pb.js";
import { Image } from "../../gen/xai/api/v1/image_pb.js";
import { Models } from "../../gen/xai/api/v1/models_pb.js";
import { Sample } from "../../gen/xai/api/v1/sample_pb.js";
import { Tokenize } from "../../gen/xai/api/v1/tokenize_pb.js";
import { Video } from "../../gen/xai/api/v1/video_pb.js";
import { withToolNames } from "./method-names.js";

/**
 * Every service of the xAI API with the short name its tools start with (`chat_get_completion`).
 * The order is the order of `tools/list`: the most used first.
 */
export const SERVICES: readonly { readonly short: string; readonly service: DescService }[] = [
  { short: "chat", service: Chat },
  { short: "image", service: Image },
  { short: "video", service: Video },
  { short: "models", service: Models },
  { short: "sample", service: Sample },
  { short: "embedder", service: Embedder },
  { short: "tokenize", service: Tokenize },
  { short: "files", service: Files },
  { short: "documents", service: Documents },
  { short: "batch", service: BatchMgmt },
  { short: "auth", service: Auth },
  { short: "collections", service: Collections },
];

/**
 * The documentation of every proto element, by full name, as agents read it: with tool names where
 * the proto comments name RPCs.
 */
export const docs: Readonly<Record<string, string>> = withToolNames(protoDocs, SERVICES);
