import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Auth } from "../../gen/xai/api/v1/auth_pb.js";
import type { EmulatorContext } from "../context.js";
import { bind, type ServiceBinding } from "../service-impl.js";
import { fnv1a, hashParts } from "../text/hash.js";

/**
 * The key as the API shows it: its `xai-` prefix and last few characters around `...`. Short keys
 * show fewer characters, so the visible part is never more than a quarter of the key.
 */
export function redactKey(key: string): string {
  const prefix = key.startsWith("xai-") ? "xai-" : "";
  const tail = Math.min(5, Math.floor(key.length / 4));
  return `${prefix}...${tail > 0 ? key.slice(-tail) : ""}`;
}

/** A UUID-shaped id, stable for the same parts (so a key keeps its ids across calls and runs). */
function stableUuid(...parts: string[]): string {
  const hex = [0, 1, 2, 3]
    .map((i) =>
      hashParts(...parts, i)
        .toString(16)
        .padStart(8, "0"),
    )
    .join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
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
        apiKeyId: stableUuid("key", call.apiKey),
        apiKeyBlocked: false,
        teamBlocked: false,
        disabled: false,
      };
    },
  });
}
