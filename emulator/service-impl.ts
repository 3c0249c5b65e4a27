import type {
  DescMessage,
  DescMethodClientStreaming,
  DescMethodServerStreaming,
  DescMethodUnary,
  DescService,
  MessageInitShape,
  MessageShape,
} from "@bufbuild/protobuf";
import type { GenService, GenServiceMethods } from "@bufbuild/protobuf/codegenv2";
import { EmulatorError, Status } from "./errors.js";

/** What a handler knows about the call it serves. */
export interface CallContext {
  /** The gRPC method path, e.g. `/xai_api.Chat/GetCompletion`. */
  readonly method: string;
  /** Aborted when the client cancels the call or its deadline passes. */
  readonly signal: AbortSignal;
  /** The API key the call was authenticated with (already checked). */
  readonly apiKey: string;
  /** Request headers, lower-case names; `authorization` is left out. */
  readonly headers: Readonly<Record<string, string>>;
}

export type UnaryImpl<I extends DescMessage, O extends DescMessage> = (
  request: MessageShape<I>,
  call: CallContext,
) => MessageInitShape<O> | Promise<MessageInitShape<O>>;

export type ServerStreamingImpl<I extends DescMessage, O extends DescMessage> = (
  request: MessageShape<I>,
  call: CallContext,
) => AsyncIterable<MessageInitShape<O>>;

export type ClientStreamingImpl<I extends DescMessage, O extends DescMessage> = (
  requests: AsyncIterable<MessageShape<I>>,
  call: CallContext,
) => Promise<MessageInitShape<O>>;

/** The handler of one method, by its streaming kind. */
export type MethodImpl<M> =
  M extends DescMethodUnary<infer I, infer O>
    ? UnaryImpl<I, O>
    : M extends DescMethodServerStreaming<infer I, infer O>
      ? ServerStreamingImpl<I, O>
      : M extends DescMethodClientStreaming<infer I, infer O>
        ? ClientStreamingImpl<I, O>
        : never;

/** The implementation of a whole service, keyed like the generated service's `method` record. */
export type ServiceImpl<S extends GenService<GenServiceMethods>> = {
  [K in keyof S["method"]]: MethodImpl<S["method"][K]>;
};

/** A service descriptor with its implementation, ready to be served. */
export interface ServiceBinding {
  readonly service: DescService;
  readonly impl: Record<string, (...args: never[]) => unknown>;
}

/** Pairs a generated service with its implementation, checked by the compiler. */
export function bind<S extends GenService<GenServiceMethods>>(
  service: S,
  impl: ServiceImpl<S>,
): ServiceBinding {
  return { service: service as unknown as DescService, impl: impl as ServiceBinding["impl"] };
}

/**
 * A binding whose every method answers `UNIMPLEMENTED`: the starting point of a service that is
 * still being written.
 */
export function unimplemented(service: DescService): ServiceBinding {
  const impl: Record<string, (...args: never[]) => unknown> = {};
  for (const m of service.methods) {
    impl[m.localName] = () => {
      throw new EmulatorError(Status.UNIMPLEMENTED, `${service.typeName}.${m.name} is not emulated yet`);
    };
  }
  return { service, impl };
}
