import type { CallLog } from "./call-log.js";
import type { ModelCatalog } from "./catalog.js";
import type { ChatEngine } from "./engines/chat-engine.js";
import type { ImageEngine } from "./engines/image-engine.js";
import type { VideoEngine } from "./engines/video-engine.js";
import type { Faults } from "./faults.js";
import type { FileStore } from "./file-store.js";
import { DEFAULT_STORE_BUDGETS, type StoreBudgets } from "./limits.js";
import type { MediaHost } from "./media-host.js";
import type { Tokenizer } from "./tokenizer.js";

/** Settings of one emulator instance. */
export interface EmulatorConfig {
  /** The API key every non-Collections call must carry. */
  readonly apiKey: string;
  /** The management key Collections calls must carry. */
  readonly managementKey: string;
  /** How many polls of a deferred completion or video answer `PENDING` before `DONE`. */
  readonly deferredPendingPolls: number;
  /** After this long a finished deferred result is `EXPIRED`, in ms. */
  readonly deferredTtlMs: number;
  /** Time the batch worker spends per request, in ms (0 = as fast as possible). */
  readonly batchPaceMs: number;
  /** Largest file the Files service accepts, in bytes. */
  readonly maxFileBytes: number;
  /** The byte budget of each store (files, documents, batches, completions, video requests). */
  readonly storeBytes: StoreBudgets;
}

export const DEFAULT_CONFIG: EmulatorConfig = {
  // Random-looking, like real keys: the server redacts any 8-character run of its keys from what it
  // writes, and a key made of words ("emulator") would blank those words out of every answer.
  apiKey: "xai-emu-7Qk2Vd9RzT4mWb6P",
  managementKey: "xai-emu-mgmt-Lr5Xn8Jc3Hs1Gf0Y",
  deferredPendingPolls: 2,
  deferredTtlMs: 24 * 60 * 60 * 1000,
  batchPaceMs: 2,
  maxFileBytes: 200 * 1024 * 1024,
  storeBytes: DEFAULT_STORE_BUDGETS,
};

/** Everything the emulated services share: settings, clocks, ids, and the stores and engines. */
export interface EmulatorContext {
  readonly config: EmulatorConfig;
  readonly log: CallLog;
  readonly faults: Faults;
  readonly media: MediaHost;
  readonly catalog: ModelCatalog;
  readonly tokenizer: Tokenizer;
  readonly files: FileStore;
  readonly chat: ChatEngine;
  readonly images: ImageEngine;
  readonly videos: VideoEngine;
  /** The emulator's clock (tests may move it forward with `advance`). */
  now(): Date;
  /** Moves the emulator's clock forward, e.g. to make deferred results expire. */
  advance(ms: number): void;
  /** A new id: `<prefix>-<counter>`, deterministic within one emulator run. */
  newId(prefix: string): string;
}

/** What every part of the emulator may use before the stores and engines exist. */
export type BaseContext = Pick<
  EmulatorContext,
  "config" | "log" | "faults" | "media" | "now" | "advance" | "newId"
>;

/** What the engines (chat, image, video) are built from: everything but the engines themselves. */
export type EngineDeps = Omit<EmulatorContext, "chat" | "images" | "videos">;
