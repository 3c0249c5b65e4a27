/**
 * xAI asks deferred clients to poll about once a second; `XAI_MCP_POLL_INTERVAL_MS` changes it (a
 * local emulator can be polled faster). In a module of its own so that reading the configuration
 * does not load the handlers.
 */
export const POLL_INTERVAL_MS = 1000;
