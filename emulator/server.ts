import { once } from "node:events";
import { create, type DescMessage, type DescMethod, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  type Metadata,
  type MethodDefinition,
  Server,
  type ServerReadableStream,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceDefinition,
  type sendUnaryData,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import { collectSoon } from "../src/full-collection.js";
import { hostOf, methodPath } from "../src/grpc/routing.js";
import type { CallRecord } from "./call-log.js";
import type { EmulatorContext } from "./context.js";
import { EmulatorError, elideStatusMessage, Status } from "./errors.js";
import type { FaultRule } from "./faults.js";
import type { CallContext, ServiceBinding } from "./service-impl.js";

type Msg = Record<string, unknown>;
type StatusError = { code: Status; details: string; message: string };

/** Builds the grpc-js server that serves `bindings`, with auth, faults and the call log in front. */
export function createGrpcServer(ctx: EmulatorContext, bindings: readonly ServiceBinding[]): Server {
  const server = new Server({
    "grpc.max_receive_message_length": 64 * 1024 * 1024,
    "grpc.max_send_message_length": 64 * 1024 * 1024,
  });
  for (const { service, impl } of bindings) {
    const definition: Record<string, MethodDefinition<Msg, Msg>> = {};
    const handlers: UntypedServiceImplementation = {};
    for (const method of service.methods) {
      const fn = impl[method.localName];
      if (typeof fn !== "function") throw new Error(`no handler for ${methodPath(method)}`);
      definition[method.localName] = methodDefinition(method);
      handlers[method.localName] = adapt(ctx, method, fn as (...args: unknown[]) => unknown);
    }
    server.addService(definition as ServiceDefinition, handlers);
  }
  return server;
}

function methodDefinition(method: DescMethod): MethodDefinition<Msg, Msg> {
  const input: DescMessage = method.input;
  const output: DescMessage = method.output;
  return {
    path: methodPath(method),
    requestStream: method.methodKind === "client_streaming" || method.methodKind === "bidi_streaming",
    responseStream: method.methodKind === "server_streaming" || method.methodKind === "bidi_streaming",
    requestSerialize: (v: Msg) => Buffer.from(toBinary(input, create(input, v))),
    requestDeserialize: (b: Buffer) => fromBinary(input, b) as unknown as Msg,
    responseSerialize: (v: Msg) => Buffer.from(toBinary(output, create(output, v))),
    responseDeserialize: (b: Buffer) => fromBinary(output, b) as unknown as Msg,
  };
}

/** The key a method requires: the management key for Collections, the API key for the rest. */
function requiredKey(ctx: EmulatorContext, method: DescMethod): string {
  return hostOf(method) === "management" ? ctx.config.managementKey : ctx.config.apiKey;
}

function authenticate(ctx: EmulatorContext, method: DescMethod, metadata: Metadata): string {
  const value = metadata.get("authorization")[0];
  if (typeof value !== "string" || value.length === 0) {
    throw new EmulatorError(
      Status.UNAUTHENTICATED,
      "missing credentials: send the header `authorization: Bearer <your key>`",
    );
  }
  const match = /^Bearer\s+(.+)$/i.exec(value);
  const key = match?.[1]?.trim();
  if (!key || key !== requiredKey(ctx, method)) {
    const which = hostOf(method) === "management" ? "management key" : "API key";
    throw new EmulatorError(
      Status.UNAUTHENTICATED,
      `invalid ${which}: the key sent is not valid for this API`,
    );
  }
  return key;
}

function headersOf(metadata: Metadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata.getMap())) {
    if (k !== "authorization") out[k] = typeof v === "string" ? v : Buffer.from(v).toString("base64");
  }
  return out;
}

function toStatus(e: unknown): StatusError {
  if (e instanceof EmulatorError) return { code: e.code, details: e.message, message: e.message };
  const message = e instanceof Error ? e.message : String(e);
  const details = elideStatusMessage(`emulator error: ${message}`);
  return { code: Status.INTERNAL, details, message: details };
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

/** Runs auth and faults for a call, and gives the handler its context. */
async function admit(
  ctx: EmulatorContext,
  method: DescMethod,
  metadata: Metadata,
  signal: AbortSignal,
): Promise<{ call: CallContext; rule: FaultRule | undefined }> {
  const path = methodPath(method);
  const apiKey = authenticate(ctx, method, metadata);
  const { fail, rule } = ctx.faults.take(path);
  if (rule?.latencyMs) await sleep(rule.latencyMs, signal);
  if (rule?.stall) {
    await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
  }
  if (fail) throw new EmulatorError(fail.status ?? Status.UNAVAILABLE, fail.message);
  return { call: { method: path, signal, apiKey, headers: headersOf(metadata) }, rule };
}

function watchCancel(
  call: { on(event: "cancelled", l: () => void): unknown },
  ctx: EmulatorContext,
  record: CallRecord,
) {
  const controller = new AbortController();
  call.on("cancelled", () => {
    ctx.log.end(record, "cancelled", Status.CANCELLED);
    controller.abort();
  });
  return controller;
}

/** Requests at least this large (approximately, in bytes) are followed by a full collection. */
const LARGE_REQUEST_BYTES = 2 * 1024 * 1024;

function adapt(ctx: EmulatorContext, method: DescMethod, fn: (...args: unknown[]) => unknown) {
  const path = methodPath(method);
  const end = (record: CallRecord, outcome: NonNullable<CallRecord["outcome"]>, code?: number) => {
    ctx.log.end(record, outcome, code);
    // The call's copies of a large request (its gRPC frames, the decoded message, what the handler
    // made of it) are garbage now: collect them before the next such call piles more on.
    if (record.requestBytes >= LARGE_REQUEST_BYTES) collectSoon();
  };
  switch (method.methodKind) {
    case "unary":
      return (call: ServerUnaryCall<Msg, Msg>, callback: sendUnaryData<Msg>) => {
        const record = ctx.log.start(path, call.request);
        const controller = watchCancel(call, ctx, record);
        void (async () => {
          try {
            const { call: cc, rule } = await admit(ctx, method, call.metadata, controller.signal);
            const result = (await fn(call.request, cc)) as Msg;
            if (controller.signal.aborted) return;
            const lost = ctx.faults.takeLostAnswer(rule);
            if (lost) throw new EmulatorError(lost.status ?? Status.UNAVAILABLE, lost.message);
            end(record, "ok");
            callback(null, result);
          } catch (e) {
            const status = toStatus(e);
            end(record, "error", status.code);
            callback(status);
          }
        })();
      };
    case "server_streaming":
      return (call: ServerWritableStream<Msg, Msg>) => {
        const record = ctx.log.start(path, call.request);
        const controller = watchCancel(call, ctx, record);
        void (async () => {
          try {
            const { call: cc, rule } = await admit(ctx, method, call.metadata, controller.signal);
            let sent = 0;
            for await (const message of fn(call.request, cc) as AsyncIterable<Msg>) {
              if (controller.signal.aborted) return;
              if (rule?.breakStreamAfter !== undefined && sent >= rule.breakStreamAfter) {
                throw new EmulatorError(
                  rule.status ?? Status.UNAVAILABLE,
                  rule.message ?? `stream broken after ${sent} messages (injected fault)`,
                );
              }
              if (!call.write(message)) await once(call, "drain");
              sent += 1;
            }
            if (controller.signal.aborted) return;
            end(record, "ok");
            call.end();
          } catch (e) {
            if (controller.signal.aborted) return;
            const status = toStatus(e);
            end(record, "error", status.code);
            call.emit("error", status);
          }
        })();
      };
    case "client_streaming":
      return (call: ServerReadableStream<Msg, Msg>, callback: sendUnaryData<Msg>) => {
        const record = ctx.log.start(path);
        const controller = watchCancel(call, ctx, record);
        void (async () => {
          try {
            const { call: cc } = await admit(ctx, method, call.metadata, controller.signal);
            let first = true;
            const requests = (async function* () {
              for await (const m of call as AsyncIterable<Msg>) {
                if (first) {
                  record.request = m;
                  first = false;
                }
                yield m;
              }
            })();
            const result = (await fn(requests, cc)) as Msg;
            if (controller.signal.aborted) return;
            end(record, "ok");
            callback(null, result);
          } catch (e) {
            const status = toStatus(e);
            end(record, "error", status.code);
            callback(status);
          }
        })();
      };
    default:
      throw new Error(`${path}: bidirectional streaming is not used by the xAI API`);
  }
}
