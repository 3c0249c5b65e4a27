import { status as Status } from "@grpc/grpc-js";

/**
 * An error an emulated RPC answers with: a gRPC status and a message, as the real API sends them.
 * Throw it from any handler; the server turns it into the call's status.
 */
export class EmulatorError extends Error {
  override readonly name = "EmulatorError";
  constructor(
    readonly code: Status,
    message: string,
  ) {
    super(elideStatusMessage(message));
  }
}

/** The longest status message the emulator sends, in characters. */
export const MAX_STATUS_MESSAGE_CHARS = 1024;

/**
 * A status message cut to {@link MAX_STATUS_MESSAGE_CHARS}, keeping its start and end. Messages
 * quote what the client sent (an id, a name), and a status travels in the HTTP/2 trailers: echoing a
 * 10 MB id there would make trailers no client accepts, and wedge the connection for every other
 * call on it.
 */
export function elideStatusMessage(message: string): string {
  if (message.length <= MAX_STATUS_MESSAGE_CHARS) return message;
  const keepEnd = 200;
  const keepStart = MAX_STATUS_MESSAGE_CHARS - keepEnd - 40;
  const elided = message.length - keepStart - keepEnd;
  return `${message.slice(0, keepStart)}… [${elided} characters elided] …${message.slice(-keepEnd)}`;
}

/** `INVALID_ARGUMENT` with the given message. */
export const invalidArgument = (message: string) => new EmulatorError(Status.INVALID_ARGUMENT, message);
/** `NOT_FOUND` with the given message. */
export const notFound = (message: string) => new EmulatorError(Status.NOT_FOUND, message);
/** `FAILED_PRECONDITION` with the given message. */
export const failedPrecondition = (message: string) => new EmulatorError(Status.FAILED_PRECONDITION, message);
/** `RESOURCE_EXHAUSTED` with the given message. */
export const resourceExhausted = (message: string) => new EmulatorError(Status.RESOURCE_EXHAUSTED, message);
/** `PERMISSION_DENIED` with the given message. */
export const permissionDenied = (message: string) => new EmulatorError(Status.PERMISSION_DENIED, message);

export { Status };
