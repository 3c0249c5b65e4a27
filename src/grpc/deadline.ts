/**
 * The xAI API's default deadline in the official client: 27 minutes. In a module of its own so that
 * reading the configuration does not load the gRPC client (and grpc-js) at startup.
 */
export const DEFAULT_TIMEOUT_MS = 27 * 60 * 1000;
