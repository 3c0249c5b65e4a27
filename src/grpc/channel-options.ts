import type { ChannelOptions } from "@grpc/grpc-js";
import { PACKAGE_NAME, PACKAGE_VERSION } from "../version.js";

/** xAI accepts and sends messages up to 20 MiB; grpc-js would refuse anything over 4 MiB by default. */
export const MAX_MESSAGE_BYTES = 20 * 1024 * 1024;

/**
 * Retry `UNAVAILABLE` as the official xAI client does: 5 attempts, backoff from 0.1 s doubling up to
 * 1 s. Rate limits (`RESOURCE_EXHAUSTED`) are not retried: the caller must decide to wait.
 *
 * Except `AddBatchRequests`: an `UNAVAILABLE` can arrive after the server stored the requests (the
 * answer was lost), and a hidden retry then reads as "already present", as if an earlier call had
 * added them. The batch tool retries those calls itself, knowing an attempt failed, so it can count
 * what the call did.
 */
export const RETRY_SERVICE_CONFIG = {
  methodConfig: [
    { name: [{ service: "xai_api.BatchMgmt", method: "AddBatchRequests" }] },
    {
      name: [{}],
      retryPolicy: {
        maxAttempts: 5,
        initialBackoff: "0.1s",
        maxBackoff: "1s",
        backoffMultiplier: 2,
        retryableStatusCodes: ["UNAVAILABLE"],
      },
    },
  ],
};

/** The options of every channel this server opens. */
export function channelOptions(): ChannelOptions {
  return {
    "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
    "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
    "grpc.keepalive_time_ms": 30_000,
    "grpc.keepalive_timeout_ms": 10_000,
    "grpc.keepalive_permit_without_calls": 1,
    "grpc.enable_retries": 1,
    "grpc.service_config": JSON.stringify(RETRY_SERVICE_CONFIG),
    "grpc.primary_user_agent": `${PACKAGE_NAME}/${PACKAGE_VERSION}`,
  };
}
