/**
 * Where each xAI RPC goes: its gRPC path, and which host serves it. The one place these rules are
 * written; the client, the tool registry and listing, and the emulator all ask here. Pure (no
 * grpc-js, no generated code), so that even a start that only answers `tools/list` can use it.
 */

/** The two xAI hosts: the API (`api.x.ai`) and the management API (`management-api.x.ai`). */
export type XaiHost = "api" | "management";

/** What routing needs of a method descriptor (any `DescMethod` has it). */
export interface MethodRef {
  readonly parent: { readonly typeName: string };
  readonly name: string;
}

/** Proto packages served by the management host; every other package goes to the API host. */
const MANAGEMENT_PACKAGES: ReadonlySet<string> = new Set(["collections"]);

/** The gRPC path of a method: `/xai_api.Chat/GetCompletion`. */
export function methodPath(method: MethodRef): string {
  return `/${method.parent.typeName}/${method.name}`;
}

/** The host that serves a service, by its full name (`collections.Collections` → `management`). */
export function hostOfService(serviceTypeName: string): XaiHost {
  const pkg = serviceTypeName.slice(0, serviceTypeName.lastIndexOf("."));
  return MANAGEMENT_PACKAGES.has(pkg) ? "management" : "api";
}

/** The host that serves a method. */
export function hostOf(method: MethodRef): XaiHost {
  return hostOfService(method.parent.typeName);
}

/** The host that serves the method of a gRPC path (`/collections.Collections/ListCollections`). */
export function hostOfPath(path: string): XaiHost {
  return hostOfService(path.slice(1, path.indexOf("/", 1)));
}
