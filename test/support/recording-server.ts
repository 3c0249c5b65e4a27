import {
  type DescMessage,
  type DescMethod,
  type DescService,
  fromBinary,
  fromJson,
  type JsonObject,
  type JsonValue,
  type Message,
  toBinary,
  toJson,
} from "@bufbuild/protobuf";
import {
  type Metadata,
  type MethodDefinition,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceDefinition,
  type sendUnaryData,
  status,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
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
import { methodPath } from "../../src/grpc/routing.js";

/** The 12 services of the xAI API, straight from the generated descriptors. */
export const ALL_SERVICES: readonly DescService[] = [
  Chat,
  Image,
  Video,
  Models,
  Sample,
  Embedder,
  Tokenize,
  Files,
  Documents,
  BatchMgmt,
  Auth,
  Collections,
];

/** `/xai_api.Chat/GetCompletion`. */
export const pathOf: (method: DescMethod) => string = methodPath;

/** Every unary method of the API by gRPC path. */
export const UNARY_METHODS: ReadonlyMap<string, DescMethod> = new Map(
  ALL_SERVICES.flatMap((s) => s.methods)
    .filter((m) => m.methodKind === "unary")
    .map((m) => [pathOf(m), m]),
);

/** One call as the server decoded it. */
export interface RecordedCall {
  readonly path: string;
  /** The decoded request message. */
  readonly message: Message;
  /** The request in the protobuf JSON mapping with proto field names. */
  readonly json: JsonObject;
  /** False when the call was refused for its key (it is recorded all the same). */
  readonly authenticated: boolean;
  /** The bearer key the call carried, if any. */
  readonly key: string | undefined;
}

/** A failure to answer instead of the canned response, for calls `match` selects. */
interface FailureRule {
  readonly path: string;
  readonly code: status;
  readonly details: string;
  readonly match: (request: JsonObject) => boolean;
}

export interface RecordingServerOptions {
  /** The key the `xai_api.*` services accept. */
  readonly apiKey: string;
  /** The key the `collections.*` service accepts. */
  readonly managementKey: string;
  /** More keys the `xai_api.*` services accept (several accounts at once). */
  readonly moreApiKeys?: readonly string[];
}

const MAX_MESSAGE_BYTES = 20 * 1024 * 1024;

/**
 * A small, independent implementation of the xAI API for tests: serves every unary method of the
 * 12 services on 127.0.0.1, checks the bearer key like xAI does, records each decoded request and
 * answers with the canned response JSON given for its method path. Built on grpc-js and the
 * generated descriptors only, so it shares no code with the server under test or the emulator.
 */
export class RecordingServer {
  readonly calls: RecordedCall[] = [];
  readonly #responses = new Map<string, JsonObject>();
  readonly #streams = new Map<string, readonly JsonObject[]>();
  #failures: FailureRule[] = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly options: RecordingServerOptions,
  ) {}

  /** Starts a server on 127.0.0.1 on a free port. */
  static async start(options: RecordingServerOptions): Promise<RecordingServer> {
    const server = new Server({
      "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
      "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(err) : resolve(p),
      ),
    );
    const recording = new RecordingServer(server, port, options);
    recording.#register();
    return recording;
  }

  /** `http://127.0.0.1:<port>`, the form `XAI_API_HOST` takes for a plaintext local server. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Sets the response (protobuf JSON, proto field names) that calls to `path` get. */
  respond(path: string, response: JsonObject): void {
    if (!UNARY_METHODS.has(path)) throw new Error(`no unary method ${path}`);
    this.#responses.set(path, response);
  }

  /** Sets the messages (protobuf JSON) a server-streaming method at `path` streams back, in order. */
  stream(path: string, messages: readonly JsonObject[]): void {
    this.#streams.set(path, messages);
  }

  /** Answers calls to `path` whose request `match` accepts with a gRPC error instead. */
  fail(
    path: string,
    code: status,
    details: string,
    match: (request: JsonObject) => boolean = () => true,
  ): void {
    if (!UNARY_METHODS.has(path)) throw new Error(`no unary method ${path}`);
    this.#failures.push({ path, code, details, match });
  }

  /** The recorded calls to one method. */
  callsTo(path: string): RecordedCall[] {
    return this.calls.filter((c) => c.path === path);
  }

  /** Forgets the recorded calls and the failure rules (the canned responses stay). */
  reset(): void {
    this.calls.length = 0;
    this.#failures = [];
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      // A client that keeps its channel open would hold a graceful shutdown; do not wait for it long.
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, 2000);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  #register(): void {
    for (const service of ALL_SERVICES) {
      const definition: Record<string, MethodDefinition<Message, Message>> = {};
      const handlers: UntypedServiceImplementation = {};
      for (const method of service.methods) {
        if (method.methodKind === "server_streaming") {
          definition[method.localName] = { ...methodDefinition(method), responseStream: true };
          handlers[method.localName] = (call: ServerWritableStream<Message, Message>) =>
            this.#streamAnswer(method, call);
          continue;
        }
        if (method.methodKind !== "unary") continue;
        definition[method.localName] = methodDefinition(method);
        handlers[method.localName] = (
          call: ServerUnaryCall<Message, Message>,
          callback: sendUnaryData<Message>,
        ) => {
          const answer = this.#answer(method, call);
          if ("error" in answer) callback(answer.error);
          else callback(null, answer.response);
        };
      }
      this.server.addService(definition as ServiceDefinition, handlers);
    }
  }

  #streamAnswer(method: DescMethod, call: ServerWritableStream<Message, Message>): void {
    const path = pathOf(method);
    const answer = this.#answer(method, call as unknown as ServerUnaryCall<Message, Message>, true);
    if ("error" in answer) {
      call.emit("error", answer.error);
      return;
    }
    for (const json of this.#streams.get(path) ?? []) call.write(fromJson(method.output, json as JsonValue));
    call.end();
  }

  #answer(
    method: DescMethod,
    call: ServerUnaryCall<Message, Message>,
    streaming = false,
  ): { response: Message } | { error: { code: status; details: string } } {
    const path = pathOf(method);
    const json = toJson(method.input, call.request, { useProtoFieldName: true }) as JsonObject;
    const authError = this.#authenticate(method, call.metadata);
    const header = call.metadata.get("authorization")[0];
    const key = typeof header === "string" ? /^Bearer (.+)$/.exec(header)?.[1] : undefined;
    this.calls.push({ path, message: call.request, json, authenticated: authError === undefined, key });
    if (authError) return { error: { code: status.UNAUTHENTICATED, details: authError } };
    const failure = this.#failures.find((f) => f.path === path && f.match(json));
    if (failure) return { error: { code: failure.code, details: failure.details } };
    if (streaming) {
      if (this.#streams.has(path)) return { response: call.request };
      return { error: { code: status.UNIMPLEMENTED, details: `no canned stream for ${path}` } };
    }
    const response = this.#responses.get(path);
    if (!response)
      return { error: { code: status.UNIMPLEMENTED, details: `no canned response for ${path}` } };
    return { response: fromJson(method.output, response as JsonValue) };
  }

  /** Undefined when the call carries the right key; else xAI's kind of message, with the key masked. */
  #authenticate(method: DescMethod, metadata: Metadata): string | undefined {
    const management = method.parent.typeName.startsWith("collections.");
    const expected = management ? this.options.managementKey : this.options.apiKey;
    const header = metadata.get("authorization")[0];
    if (typeof header !== "string") return "missing authorization header: send `authorization: Bearer <key>`";
    const key = /^Bearer (.+)$/.exec(header)?.[1];
    if (key === expected) return undefined;
    if (!management && key !== undefined && this.options.moreApiKeys?.includes(key)) return undefined;
    const masked = key ? `${key.slice(0, 2)}***${key.slice(-2)}` : "(empty)";
    return `Incorrect ${management ? "management" : "API"} key provided: ${masked}.`;
  }
}

function methodDefinition(method: DescMethod): MethodDefinition<Message, Message> {
  const input: DescMessage = method.input;
  const output: DescMessage = method.output;
  return {
    path: pathOf(method),
    requestStream: false,
    responseStream: false,
    requestSerialize: (m: Message) => Buffer.from(toBinary(input, m)),
    requestDeserialize: (b: Buffer) => fromBinary(input, b),
    responseSerialize: (m: Message) => Buffer.from(toBinary(output, m)),
    responseDeserialize: (b: Buffer) => fromBinary(output, b),
  };
}
