import { status as Status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../emulator/index.js";
import { redactKey } from "../../emulator/services/auth.js";
import { Auth } from "../../gen/xai/api/v1/auth_pb.js";
import { XaiClient } from "../../src/grpc/xai-client.js";

const KEY = "xai-test-secret-abcdef-my-key";

let emu: RunningEmulator;
const clients: XaiClient[] = [];

const clientWith = (key: string) => {
  const c = new XaiClient({
    api: { host: emu.url, key },
    management: { host: emu.url, key: emu.context.config.managementKey },
    timeoutMs: 10_000,
  });
  clients.push(c);
  return c;
};

beforeAll(async () => {
  emu = await startEmulator({ apiKey: KEY });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await emu?.close();
});

describe("Auth.get_api_key_info", () => {
  it("describes the calling key, redacted, with stable ids", async () => {
    const info = await clientWith(KEY).unary(Auth.method.get_api_key_info, {});
    expect(info.redactedApiKey).toBe("xai-...y-key");
    expect(JSON.stringify(info, (_k, v) => (typeof v === "bigint" ? String(v) : v))).not.toContain(KEY);
    expect(info.name).toBe("emulator key");
    expect(info.acls).toEqual(["api-key:endpoint:*", "api-key:model:*"]);
    expect(info.apiKeyId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(info.userId).toMatch(/^[0-9a-f]{8}-/);
    expect(info.teamId).toMatch(/^[0-9a-f]{8}-/);
    expect(info.modifiedBy).toBe(info.userId);
    expect(info.createTime?.seconds).toBe(BigInt(Date.parse("2025-01-01T00:00:00Z") / 1000));
    expect(info.modifyTime?.seconds).toBe(info.createTime?.seconds);
    expect(info.apiKeyBlocked).toBe(false);
    expect(info.teamBlocked).toBe(false);
    expect(info.disabled).toBe(false);

    const again = await clientWith(KEY).unary(Auth.method.get_api_key_info, {});
    expect(again.apiKeyId).toBe(info.apiKeyId);
    expect(again.userId).toBe(info.userId);
    expect(again.teamId).toBe(info.teamId);
  });

  it("refuses a wrong key with UNAUTHENTICATED", async () => {
    const err = await clientWith("xai-wrong")
      .unary(Auth.method.get_api_key_info, {})
      .catch((e: unknown) => e);
    expect((err as { code: number }).code).toBe(Status.UNAUTHENTICATED);
  });
});

describe("redactKey", () => {
  it("keeps the prefix and a short tail, never most of the key", () => {
    expect(redactKey("xai-emulator-key")).toBe("xai-...-key");
    expect(redactKey("xai-0123456789abcdefghij")).toBe("xai-...fghij");
    expect(redactKey("abc")).toBe("...");
    expect(redactKey("secretkey")).toBe("...ey");
  });
});
