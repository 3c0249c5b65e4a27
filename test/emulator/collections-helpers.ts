import type { RunningEmulator } from "../../emulator/index.js";
import { Collections, DocumentStatus } from "../../gen/xai/api/v1/collections_pb.js";
import { Files } from "../../gen/xai/api/v1/files_pb.js";
import { XaiClient } from "../../src/grpc/xai-client.js";

/** Shared by the Collections and Documents tests: a client, uploads, and failure checks. */

/** A client of `emu`; `managementKey` replaces the key sent to Collections (to test auth). */
export function clientOf(emu: RunningEmulator, managementKey = emu.context.config.managementKey): XaiClient {
  return new XaiClient({
    api: { host: emu.url, key: emu.context.config.apiKey },
    management: { host: emu.url, key: managementKey },
    timeoutMs: 10_000,
  });
}

/** Uploads `content` through the Files service and returns the new file's id. */
export async function upload(client: XaiClient, name: string, content: string | Uint8Array): Promise<string> {
  const data = typeof content === "string" ? new TextEncoder().encode(content) : content;
  const file = await client.clientStream(Files.method.uploadFile, [
    { chunk: { case: "init", value: { name } } },
    { chunk: { case: "data", value: data } },
  ]);
  return file.id;
}

/** The status code and message of a call that must fail. */
export async function statusOf(p: Promise<unknown>): Promise<{ code: number; details: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code: number; details: string };
    return { code: err.code, details: err.details };
  }
  throw new Error("expected the call to fail");
}

/** Polls the document until it leaves PROCESSING and returns its final metadata. */
export async function untilIndexed(client: XaiClient, collectionId: string, fileId: string) {
  for (let i = 0; i < 10; i++) {
    const doc = await client.unary(Collections.method.getDocumentMetadata, { collectionId, fileId });
    if (doc.status !== DocumentStatus.PROCESSING) return doc;
  }
  throw new Error(`document ${fileId} is still processing after 10 polls`);
}
