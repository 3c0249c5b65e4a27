import type { ServiceError } from "@grpc/grpc-js";
import { recentHeaderDrop } from "./header-guard.js";
import { Status, statusName } from "./status.js";

/**
 * A failed xAI call: the gRPC status, the server's own message, and the method it happened on.
 * Messages read like `[unauthenticated] /xai_api.Auth/get_api_key_info: Invalid API key`.
 * Never carries request metadata, so the API key cannot leak through it.
 */
export class XaiGrpcError extends Error {
  override readonly name = "XaiGrpcError";
  constructor(
    /** The gRPC status code. */
    readonly code: number,
    /** The server's message (the status details), possibly empty. */
    readonly details: string,
    /** The gRPC method path, e.g. `/xai_api.Chat/GetCompletion`. */
    readonly method: string,
    options?: { cause?: unknown },
  ) {
    super(`[${statusName(code).toLowerCase()}] ${method}: ${details || "(no message)"}`, options);
  }

  /** The status name, e.g. `UNAUTHENTICATED`. */
  get status(): string {
    return statusName(this.code);
  }
}

/** True when `e` is an {@link XaiGrpcError}. */
export function isXaiGrpcError(e: unknown): e is XaiGrpcError {
  return e instanceof XaiGrpcError;
}

/** Turns whatever grpc-js reported into an {@link XaiGrpcError}, keeping the original as `cause`. */
export function toXaiGrpcError(e: unknown, method: string): XaiGrpcError {
  if (e instanceof XaiGrpcError) return e;
  const se = e as Partial<ServiceError> | undefined;
  if (se && typeof se.code === "number") {
    let details = se.details ?? se.message ?? "";
    const dropped =
      se.code === Status.UNAVAILABLE && details === "Connection dropped" ? recentHeaderDrop() : undefined;
    if (dropped) details = `Connection dropped: ${dropped}`;
    return new XaiGrpcError(se.code, details, method, { cause: e });
  }
  const message = e instanceof Error ? e.message : String(e);
  return new XaiGrpcError(Status.UNKNOWN, message, method, { cause: e });
}

/**
 * What the host answered when it did not answer gRPC at all (a proxy's or web server's page), read
 * from what grpc-js made of it; undefined for a real gRPC status. grpc-js reports an HTTP status
 * other than 200 as `Received HTTP status code N` (under a status it guesses from N), and reads a
 * 200 page as gRPC frames, whose first bytes then make an absurd message length
 * (`Received message larger than max (1752460652 vs …)`: those bytes spell "html").
 */
export function nonGrpcAnswer(e: XaiGrpcError): string | undefined {
  const http = /^Received HTTP status code (\d{3})\b/.exec(e.details);
  if (http) return `the host answered HTTP ${http[1]}, not gRPC`;
  const frame = /^Received message larger than max \((\d+) vs \d+\)/.exec(e.details);
  if (e.code === Status.RESOURCE_EXHAUSTED && frame) {
    const length = Number(frame[1]);
    if (length > 0xffffff && length <= 0xffffffff) {
      const bytes = Buffer.alloc(4);
      bytes.writeUInt32BE(length);
      const text = bytes.toString("latin1");
      if (/^[\x20-\x7e]{4}$/.test(text))
        return `the host answered with something that is not gRPC (its body reads "${text}…", likely a web page)`;
    }
  }
  return undefined;
}
