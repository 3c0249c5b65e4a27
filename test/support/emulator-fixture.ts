import { afterAll, beforeAll } from "vitest";
import { type EmulatorOptions, type RunningEmulator, startEmulator } from "../../emulator/index.js";
import { XaiClient } from "../../src/grpc/xai-client.js";

/** A client of `emu` with its keys: the API key for the API host, the management key for Collections. */
export function emulatorClient(emu: RunningEmulator, timeoutMs = 10_000): XaiClient {
  return new XaiClient({
    api: { host: emu.url, key: emu.context.config.apiKey },
    management: { host: emu.url, key: emu.context.config.managementKey },
    timeoutMs,
  });
}

/** An emulator started for a file's tests and a client of it; read them inside tests and hooks. */
export interface EmulatorFixture {
  readonly emu: RunningEmulator;
  readonly client: XaiClient;
}

/**
 * Starts an emulator before the tests of the enclosing file (or `describe`) and a client of it,
 * and closes both after them: the one fixture every emulator test shares.
 */
export function useEmulator(options: EmulatorOptions = {}, clientTimeoutMs = 10_000): EmulatorFixture {
  let emu: RunningEmulator | undefined;
  let client: XaiClient | undefined;
  beforeAll(async () => {
    emu = await startEmulator(options);
    client = emulatorClient(emu, clientTimeoutMs);
  });
  afterAll(async () => {
    client?.close();
    await emu?.close();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the emulator fixture is used before its beforeAll ran");
    return value;
  };
  return {
    get emu() {
      return ready(emu);
    },
    get client() {
      return ready(client);
    },
  };
}
