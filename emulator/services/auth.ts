import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Auth } from "../../gen/xai/api/v1/auth_pb.js";
import { apiKeyId } from "../batch/api-key-id.js";
import type { EmulatorContext } from "../context.js";
import { bind, type ServiceBinding } from "../service-impl.js";
import { fnv1a } from "../text/hash.js";
import { stableUuid } from "../text/stable-uuid.js";

/**
 * The key as the API shows it: its `xai-` prefix and last few characters around `...`. Short keys
 * show fewer characters, so the visible part is never more than a quarter of the key.
 */
export function redactKey(key: string): string {
  const prefix = key.startsWith("xai-") ? "xai-" : "";
  const tail = Math.min(5, Math.floor(key.length / 4));
  return `${prefix}...${tail > 0 ? key.slice(-tail) : ""}`;
}

/** When every emulated key was created: fixed, so answers stay the same from run to run. */
const KEY_CREATED = new Date("2025-01-01T00:00:00Z");

/** The Auth service: describes the key the call authenticated with. */
export function authService(_ctx: EmulatorContext): ServiceBinding {
  return bind(Auth, {
    get_api_key_info: (_req, call) => {
      const userId = stableUuid("user", call.apiKey);
      return {
        redactedApiKey: redactKey(call.apiKey),
        userId,
        name: "emulator key",
        createTime: timestampFromDate(KEY_CREATED),
        modifyTime: timestampFromDate(KEY_CREATED),
        modifiedBy: userId,
        // One emulated team owns every key, as a single account would.
        teamId: stableUuid("team", String(fnv1a("xai-emulator-team"))),
        acls: ["api-key:endpoint:*", "api-key:model:*"],
        apiKeyId: apiKeyId(call.apiKey),
        apiKeyBlocked: false,
        teamBlocked: false,
        disabled: false,
      };
    },
  });
}
