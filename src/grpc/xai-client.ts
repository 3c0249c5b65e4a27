import {
  create,
  type DescMessage,
  type DescMethodClientStreaming,
  type DescMethodServerStreaming,
  type DescMethodUnary,
  fromBinary,
  isMessage,
  type MessageInitShape,
  type MessageShape,
  toBinary,
} from "@bufbuild/protobuf";
import { Client, type ClientReadableStream, credentials, Metadata } from "@grpc/grpc-js";
import { onAbort } from "../abort-hooks.js";
import { channelOptions } from "./channel-options.js";
import { type Endpoint, parseEndpoint } from "./endpoint.js";
import { toXaiGrpcError, XaiGrpcError } from "./grpc-error.js";
import { guardHttp2Connections } from "./header-guard.js";
import { hostOf, type MethodRef, methodPath, type XaiHost } from "./routing.js";
import { Status } from "./status.js";

/** One xAI host and the key that authenticates to it. */
export interface HostConfig {
  /** `host[:port]`, `https://host[:port]` or `http://host:port`, or that already parsed. */
  readonly host: string | Endpoint;
  /** Sent as `authorization: Bearer <key>`; calls fail with `UNAUTHENTICATED` without one. */
  readonly key?: string | undefined;
}

export interface XaiClientConfig {
  /** The API host (`api.x.ai`), for every service but Collections. */
  readonly api: HostConfig;
  /** The management host (`management-api.x.ai`), for the Collections service. */
  readonly management: HostConfig;
  /** Deadline of a call that sets none itself, in milliseconds. */
  readonly timeoutMs: number;
}

/** Per-call options. */
export interface CallOptions {
  /** Aborting cancels the call on the wire; the call then fails with `CANCELLED`. */
  readonly signal?: AbortSignal | undefined;
  /** Overrides the client's default deadline for this call, in milliseconds. */
  readonly timeoutMs?: number | undefined;
}

export { DEFAULT_TIMEOUT_MS } from "./deadline.js";

/** Client-stream messages written but not yet handed to HTTP/2; bounds an upload's memory. */
const MAX_UNACKED_WRITES = 2;

interface Channel {
  readonly client: Client;
  /**
   * The call metadata (the bearer key), made once: grpc-js copies it at the start of every call,
   * so one object serves them all without a per-call allocation.
   */
  readonly metadata: Metadata;
}

/**
 * A gRPC client for the xAI API, typed by the generated method descriptors.
 *
 * One channel per host, opened on first use: TLS unless the host is `http://`, 20 MiB messages,
 * keepalive, retries of `UNAVAILABLE`, a deadline on every call, and the bearer key as per-call
 * metadata (never as channel state, so nothing else ever sees it).
 */
export class XaiClient {
  readonly #config: XaiClientConfig;
  /** Each host parsed once, here, so that a bad host is a startup error, not a failed first call. */
  readonly #endpoints: Readonly<Record<XaiHost, Endpoint>>;
  readonly #channels = new Map<XaiHost, Channel>();

  constructor(config: XaiClientConfig) {
    this.#config = config;
    guardHttp2Connections();
    const parse = (host: string | Endpoint) => (typeof host === "string" ? parseEndpoint(host) : host);
    this.#endpoints = { api: parse(config.api.host), management: parse(config.management.host) };
  }

  /** Calls a unary method. Rejects with {@link XaiGrpcError}. */
  unary<I extends DescMessage, O extends DescMessage>(
    method: DescMethodUnary<I, O>,
    request: MessageInitShape<I>,
    options: CallOptions = {},
  ): Promise<MessageShape<O>> {
    const path = methodPath(method);
    const { client, metadata, callOptions } = this.#prepare(method, options);
    return new Promise<MessageShape<O>>((resolve, reject) => {
      if (options.signal?.aborted) {
        reject(cancelled(path));
        return;
      }
      const call = client.makeUnaryRequest<MessageShape<I>, MessageShape<O>>(
        path,
        serializer(method.input),
        deserializer(method.output),
        toMessage(method.input, request),
        metadata,
        callOptions,
        (err, value) => {
          forget();
          if (err || value === undefined) reject(toXaiGrpcError(err ?? new Error("empty response"), path));
          else resolve(value);
        },
      );
      const forget = onAbort(options.signal, () => call.cancel());
    });
  }

  /** Calls a server-streaming method; iterate the result for the responses. */
  async *serverStream<I extends DescMessage, O extends DescMessage>(
    method: DescMethodServerStreaming<I, O>,
    request: MessageInitShape<I>,
    options: CallOptions = {},
  ): AsyncGenerator<MessageShape<O>, void, undefined> {
    const path = methodPath(method);
    if (options.signal?.aborted) throw cancelled(path);
    const { client, metadata, callOptions } = this.#prepare(method, options);
    const call: ClientReadableStream<MessageShape<O>> = client.makeServerStreamRequest(
      path,
      serializer(method.input),
      deserializer(method.output),
      toMessage(method.input, request),
      metadata,
      callOptions,
    );
    const forget = onAbort(options.signal, () => call.cancel());
    try {
      for await (const message of call) yield message as MessageShape<O>;
    } catch (e) {
      throw toXaiGrpcError(e, path);
    } finally {
      forget();
      // Leaving the loop early (break, throw in the consumer) must not leave the call running.
      call.cancel();
    }
  }

  /** Calls a client-streaming method, writing `requests` with backpressure. */
  clientStream<I extends DescMessage, O extends DescMessage>(
    method: DescMethodClientStreaming<I, O>,
    requests: AsyncIterable<MessageInitShape<I>> | Iterable<MessageInitShape<I>>,
    options: CallOptions = {},
  ): Promise<MessageShape<O>> {
    const path = methodPath(method);
    const { client, metadata, callOptions } = this.#prepare(method, options);
    return new Promise<MessageShape<O>>((resolve, reject) => {
      if (options.signal?.aborted) {
        reject(cancelled(path));
        return;
      }
      let settled = false;
      let onEnded: () => void = () => {};
      const ended = new Promise<void>((r) => {
        onEnded = r;
      });
      const settle = (err: unknown, value?: MessageShape<O>) => {
        if (settled) return;
        settled = true;
        onEnded();
        forget();
        if (err || value === undefined) reject(toXaiGrpcError(err ?? new Error("empty response"), path));
        else resolve(value);
      };
      const call = client.makeClientStreamRequest<MessageShape<I>, MessageShape<O>>(
        path,
        serializer(method.input),
        deserializer(method.output),
        metadata,
        callOptions,
        (err, value) => settle(err, value),
      );
      const forget = onAbort(options.signal, () => call.cancel());
      void (async () => {
        // Backpressure by acknowledgement, not by the stream's buffer: grpc-js buffers up to 16
        // messages before write() returns false (48 MiB of 3 MiB upload chunks). Waiting for each
        // write's callback (the message handed to HTTP/2) keeps at most MAX_UNACKED_WRITES in memory.
        const unacked = new Set<Promise<void>>();
        try {
          for await (const request of requests) {
            if (settled) return;
            const written = new Promise<void>((r) => call.write(toMessage(method.input, request), () => r()));
            unacked.add(written);
            void written.then(() => unacked.delete(written));
            while (unacked.size >= MAX_UNACKED_WRITES && !settled) await Promise.race([...unacked, ended]);
          }
          if (!settled) call.end();
        } catch (e) {
          call.cancel();
          settle(e);
        }
      })();
    });
  }

  /** Closes every open channel. Calls still running fail with `CANCELLED`. */
  close(): void {
    for (const channel of this.#channels.values()) channel.client.close();
    this.#channels.clear();
  }

  #prepare(method: MethodRef, options: CallOptions) {
    const channel = this.#channel(hostOf(method));
    const timeoutMs = options.timeoutMs ?? this.#config.timeoutMs;
    return {
      client: channel.client,
      metadata: channel.metadata,
      callOptions: { deadline: Date.now() + timeoutMs },
    };
  }

  #channel(which: XaiHost): Channel {
    let channel = this.#channels.get(which);
    if (!channel) {
      const endpoint = this.#endpoints[which];
      const creds = endpoint.secure ? credentials.createSsl() : credentials.createInsecure();
      const key = this.#config[which].key;
      const metadata = new Metadata();
      if (key) metadata.set("authorization", `Bearer ${key}`);
      channel = { client: new Client(endpoint.address, creds, channelOptions()), metadata };
      this.#channels.set(which, channel);
    }
    return channel;
  }
}

function toMessage<I extends DescMessage>(schema: I, value: MessageInitShape<I>): MessageShape<I> {
  return isMessage(value, schema) ? (value as MessageShape<I>) : create(schema, value);
}

function serializer<I extends DescMessage>(schema: I) {
  return (value: MessageShape<I>): Buffer => {
    // Wrap, don't copy: toBinary's array is fresh, and an upload chunk is megabytes.
    const bytes = toBinary(schema, value);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
}

function deserializer<O extends DescMessage>(schema: O) {
  return (bytes: Buffer): MessageShape<O> => fromBinary(schema, bytes);
}

function cancelled(path: string): XaiGrpcError {
  return new XaiGrpcError(Status.CANCELLED, "cancelled before it started", path);
}
