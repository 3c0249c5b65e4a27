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
    super(message);
  }
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
