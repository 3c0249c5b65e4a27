// biome-ignore-all lint/suspicious/noExplicitAny: a client loaded at run time has no static types, by design.
/**
 * A client written against the real API, not against this project, must work with the emulator
 * unchanged apart from address and key. This one shares no code with the project: it loads the
 * .proto files at run time with @grpc/proto-loader (protobuf.js, not the generated code) and
 * drives the behaviours the official client relies on: bearer auth, retries of UNAVAILABLE,
 * stream accumulation, deferred polling and chunked upload/download.
 */
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator/index.js";

type Json = Record<string, any>;
type Unary = (req: Json, md: grpc.Metadata, cb: (err: grpc.ServiceError | null, res: Json) => void) => void;

const PROTO_ROOT = fileURLToPath(new URL("../../proto", import.meta.url));
const definition = protoLoader.loadSync(
  ["xai/api/v1/chat.proto", "xai/api/v1/models.proto", "xai/api/v1/files.proto", "xai/api/v1/auth.proto"],
  { includeDirs: [PROTO_ROOT], keepCase: true, longs: String, enums: String, defaults: false, oneofs: true },
);
const api = grpc.loadPackageDefinition(definition).xai_api as Record<string, grpc.ServiceClientConstructor>;

/** The retry policy of the official client: UNAVAILABLE, 5 attempts, 0.1 s doubling to 1 s. */
const SERVICE_CONFIG = JSON.stringify({
  methodConfig: [
    {
      name: [{}],
      retryPolicy: {
        maxAttempts: 5,
        initialBackoff: "0.1s",
        maxBackoff: "1s",
        backoffMultiplier: 2,
        retryableStatusCodes: ["UNAVAILABLE"],
      },
    },
  ],
});

let emu: RunningEmulator;
const clients: grpc.Client[] = [];

function client(service: string): grpc.Client & Record<string, any> {
  const Ctor = api[service] as grpc.ServiceClientConstructor;
  const c = new Ctor(emu.address, grpc.credentials.createInsecure(), {
    "grpc.service_config": SERVICE_CONFIG,
    "grpc.max_receive_message_length": 20 * 1024 * 1024,
    "grpc.max_send_message_length": 20 * 1024 * 1024,
  });
  clients.push(c);
  return c as grpc.Client & Record<string, any>;
}

function auth(key = emu.context.config.apiKey): grpc.Metadata {
  const md = new grpc.Metadata();
  md.set("authorization", `Bearer ${key}`);
  return md;
}

function call(c: Record<string, any>, method: string, req: Json, md = auth()): Promise<Json> {
  return new Promise((resolve, reject) =>
    (c[method] as Unary).call(c, req, md, (err, res) => (err ? reject(err) : resolve(res))),
  );
}

const question = {
  model: "grok-4-fast",
  messages: [{ role: "ROLE_USER", content: [{ text: "What does a foreign client see?" }] }],
};

beforeAll(async () => {
  emu = await startEmulator({ deferredPendingPolls: 2 });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await emu.close();
});

describe("a client built from the protos alone", () => {
  it("authenticates with a bearer key and is refused without the right one", async () => {
    const info = await call(client("Auth"), "get_api_key_info", {});
    expect(info.redacted_api_key).toMatch(/^xai-\.\.\./);
    expect(info.redacted_api_key).not.toContain(emu.context.config.apiKey);
    await expect(call(client("Models"), "ListLanguageModels", {}, auth("wrong"))).rejects.toMatchObject({
      code: grpc.status.UNAUTHENTICATED,
    });
  });

  it("gets UNAVAILABLE retried by its own retry policy", async () => {
    emu.context.faults.set("/xai_api.Models/ListLanguageModels", {
      failNext: 2,
      status: grpc.status.UNAVAILABLE,
    });
    const before = emu.context.log.records("/xai_api.Models/ListLanguageModels").length;
    const res = await call(client("Models"), "ListLanguageModels", {});
    emu.context.faults.clear();
    expect((res.models as Json[]).map((m) => m.name)).toContain("grok-4");
    expect(emu.context.log.records("/xai_api.Models/ListLanguageModels").length - before).toBe(3);
  });

  it("accumulates a stream into exactly the unary answer", async () => {
    const chat = client("Chat");
    const unary = await call(chat, "GetCompletion", question);
    const stream = chat.GetCompletionChunk(question, auth()) as grpc.ClientReadableStream<Json>;
    let content = "";
    let finish = "";
    let last: Json = {};
    for await (const chunk of stream) {
      for (const out of chunk.outputs as Json[]) {
        content += out.delta?.content ?? "";
        if (out.finish_reason && out.finish_reason !== "REASON_INVALID") finish = out.finish_reason;
      }
      last = chunk;
    }
    const message = (unary.outputs as Json[])[0]?.message as Json;
    expect(content).toBe(message.content);
    expect(finish).toBe((unary.outputs as Json[])[0]?.finish_reason);
    expect(last.usage).toEqual(unary.usage);
  });

  it("polls a deferred completion from PENDING to DONE", async () => {
    const chat = client("Chat");
    const { request_id } = await call(chat, "StartDeferredCompletion", question);
    const statuses: string[] = [];
    let response: Json | undefined;
    for (let i = 0; i < 10 && !response; i++) {
      const polled = await call(chat, "GetDeferredCompletion", { request_id });
      statuses.push(polled.status);
      if (polled.status === "DONE") response = polled.response;
    }
    expect(statuses).toEqual(["PENDING", "PENDING", "DONE"]);
    expect(response?.outputs?.[0]?.message?.content).toContain("emulat");
  });

  it("uploads in 3 MiB chunks and downloads the same bytes", async () => {
    const files = client("Files");
    const bytes = Buffer.alloc(7 * 1024 * 1024 + 123);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + (i >> 10)) & 0xff;
    const uploaded = await new Promise<Json>((resolve, reject) => {
      const up = files.UploadFile(auth(), (err: grpc.ServiceError | null, res: Json) =>
        err ? reject(err) : resolve(res),
      ) as grpc.ClientWritableStream<Json>;
      up.write({ init: { name: "foreign.bin" } });
      for (let off = 0; off < bytes.length; off += 3 * 1024 * 1024) {
        up.write({ data: bytes.subarray(off, off + 3 * 1024 * 1024) });
      }
      up.end();
    });
    expect(uploaded.filename).toBe("foreign.bin");
    expect(String(uploaded.size)).toBe(String(bytes.length));
    const down = files.RetrieveFileContent(
      { file_id: uploaded.id },
      auth(),
    ) as grpc.ClientReadableStream<Json>;
    const parts: Buffer[] = [];
    for await (const chunk of down) parts.push(Buffer.from(chunk.data as Uint8Array));
    expect(parts.length).toBeGreaterThan(1);
    expect(Buffer.concat(parts).equals(bytes)).toBe(true);
  });
});
