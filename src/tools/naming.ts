import type { DescMethod } from "@bufbuild/protobuf";
import { methodPath } from "../grpc/routing.js";

/** `GetCompletionChunk` → `get_completion_chunk`; `get_api_key_info` stays as it is. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}

/** The contract's tool name: `<service short name>_<method in snake_case>`. */
export function toolName(short: string, method: DescMethod): string {
  return `${short}_${snakeCase(method.name)}`;
}

/** The gRPC path of a method, as carried in each tool's `_meta` (see `methodPath`). */
export const rpcPath: (method: DescMethod) => string = methodPath;

/** The `_meta` key that carries a tool's gRPC method path. */
export const RPC_META_KEY = "xai-grpc-mcp/rpc";
