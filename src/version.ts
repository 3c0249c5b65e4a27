/** This package's name and version, as sent in the gRPC user agent and reported by `--version`. */
export const PACKAGE_NAME = "xai-grpc-mcp";
/** Kept equal to package.json by a test. */
export const PACKAGE_VERSION = "0.1.0";
