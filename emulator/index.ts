import { ServerCredentials } from "@grpc/grpc-js";
import { CallLog } from "./call-log.js";
import { createCatalog } from "./catalog.js";
import { DEFAULT_CONFIG, type EmulatorConfig, type EmulatorContext } from "./context.js";
import { createChatEngine } from "./engines/chat-engine.js";
import { createImageEngine } from "./engines/image-engine.js";
import { createVideoEngine } from "./engines/video-engine.js";
import { Faults } from "./faults.js";
import { createFileStore } from "./file-store.js";
import { startMediaHost } from "./media-host.js";
import { createGrpcServer } from "./server.js";
import { allServices } from "./services/index.js";
import { createTokenizer } from "./tokenizer.js";

export type { EmulatorConfig, EmulatorContext } from "./context.js";
export { DEFAULT_CONFIG } from "./context.js";
export type { FaultRule } from "./faults.js";

export interface EmulatorOptions extends Partial<EmulatorConfig> {
  /** TCP port on 127.0.0.1; 0 (the default) picks a free one. */
  readonly port?: number;
}

/** A running emulator. */
export interface RunningEmulator {
  /** `127.0.0.1:<port>` */
  readonly address: string;
  /** `http://127.0.0.1:<port>`: the form `XAI_API_HOST` takes for it. */
  readonly url: string;
  readonly port: number;
  /** Shared state, for tests that look inside (call log, fault rules, clock). */
  readonly context: EmulatorContext;
  /** Stops serving: running calls are cancelled. */
  close(): Promise<void>;
}

/** Starts the xAI emulator on 127.0.0.1. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const { port: wanted = 0, ...overrides } = options;
  const config: EmulatorConfig = { ...DEFAULT_CONFIG, ...overrides };
  const media = await startMediaHost();
  let offsetMs = 0;
  let counter = 0;
  const base = {
    config,
    log: new CallLog(),
    faults: new Faults(),
    media,
    now: () => new Date(Date.now() + offsetMs),
    advance: (ms: number) => {
      offsetMs += ms;
    },
    newId: (prefix: string) => {
      counter += 1;
      return `${prefix}-${counter.toString(16).padStart(8, "0")}`;
    },
  };
  const catalog = createCatalog(base);
  const tokenizer = createTokenizer();
  const files = createFileStore(base);
  const partial = { ...base, catalog, tokenizer, files };
  const context: EmulatorContext = {
    ...partial,
    chat: createChatEngine(partial),
    images: createImageEngine(partial),
    videos: createVideoEngine(partial),
  };
  const server = createGrpcServer(context, allServices(context));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${wanted}`, ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    port,
    context,
    close: async () => {
      server.forceShutdown();
      await media.close();
    },
  };
}
