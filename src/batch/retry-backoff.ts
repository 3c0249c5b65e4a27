/**
 * The first wait before a batch chunk is sent again after a transient failure, in ms (it doubles
 * per attempt); `XAI_MCP_RETRY_BACKOFF_MS` changes it (a local emulator needs no real backoff). In a
 * module of its own so that reading the configuration does not load the batch sender.
 */
export const RETRY_BACKOFF_MS = 200;
