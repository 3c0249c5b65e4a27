import {
  type DescMessage,
  type DescMethod,
  fromBinary,
  fromJson,
  type JsonValue,
  type MessageShape,
  toBinary,
} from "@bufbuild/protobuf";
import { Client, credentials, Metadata } from "@grpc/grpc-js";
import { DEFAULT_TIMEOUT_MS } from "../../src/grpc/deadline.js";
import { now } from "./stats.js";

/** How a direct stream went: time to its first message and to its end, and how many came. */
export interface DirectStream {
  readonly firstMs: number;
  readonly totalMs: number;
  readonly messages: number;
}

/**
 * The floor of the gRPC half: plain grpc-js calls with protobuf-es (de)serialisation, the same
 * 20 MiB limits and bearer key, the same 27-minute deadline the official xAI client puts on every
 * call (it goes on the wire as `grpc-timeout`, and the host handles it), and nothing of this
 * project's client around them.
 */
/** Per-call options: the official client's default deadline. */
const callOptions = () => ({ deadline: Date.now() + DEFAULT_TIMEOUT_MS });

export class DirectGrpc {
  readonly #client: Client;
  readonly #metadata: Metadata;

  constructor(address: string, key: string) {
    this.#client = new Client(address, credentials.createInsecure(), {
      "grpc.max_receive_message_length": 20 * 1024 * 1024,
      "grpc.max_send_message_length": 20 * 1024 * 1024,
    });
    this.#metadata = new Metadata();
    this.#metadata.set("authorization", `Bearer ${key}`);
  }

  /** Builds the request message from tool-style JSON arguments (proto field names). */
  static request<M extends DescMessage>(schema: M, json: JsonValue): MessageShape<M> {
    return fromJson(schema, json);
  }

  /** One unary call; resolves with the decoded response. */
  unary(method: DescMethod, request: unknown): Promise<unknown> {
    const path = `/${method.parent.typeName}/${method.name}`;
    return new Promise((resolve, reject) => {
      this.#client.makeUnaryRequest(
        path,
        (m: unknown) => Buffer.from(toBinary(method.input, m as never)),
        (b: Buffer) => fromBinary(method.output, b),
        request,
        this.#metadata,
        callOptions(),
        (err, value) => (err ? reject(err) : resolve(value)),
      );
    });
  }

  /** One server-streaming call read to its end, timing the first message. */
  stream(method: DescMethod, request: unknown): Promise<DirectStream> {
    const path = `/${method.parent.typeName}/${method.name}`;
    const started = now();
    return new Promise((resolve, reject) => {
      const call = this.#client.makeServerStreamRequest(
        path,
        (m: unknown) => Buffer.from(toBinary(method.input, m as never)),
        (b: Buffer) => fromBinary(method.output, b),
        request,
        this.#metadata,
        callOptions(),
      );
      let firstMs = 0;
      let messages = 0;
      call.on("data", () => {
        if (messages === 0) firstMs = now() - started;
        messages += 1;
      });
      call.on("error", reject);
      call.on("status", (s) => {
        if (s.code === 0) resolve({ firstMs, totalMs: now() - started, messages });
      });
    });
  }

  close(): void {
    this.#client.close();
  }
}
