export * from "./channel-options.js";
export * from "./endpoint.js";
export * from "./grpc-error.js";
export * from "./status.js";
export * from "./xai-client.js";
