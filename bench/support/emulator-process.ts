/**
 * The emulator in a process of its own, so that every path measured crosses the same process
 * boundaries: a direct gRPC call goes runner → emulator → runner, exactly like the gRPC half of a
 * call through the server. (In the runner's own process the direct calls would skip the wake-up of
 * another process and make the floor look lower than it is.)
 *
 * Run as a child with an IPC channel: it answers `ready` with its address and keys, applies
 * `{ type: "chunkDelay", ms }`, and stops when the channel closes.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startEmulator } from "../../emulator/index.js";

/** Messages from the runner. */
type Command = { type: "chunkDelay"; ms: number };

/** What the emulator process reports once it listens. */
interface Ready {
  readonly type: "ready";
  readonly url: string;
  readonly address: string;
  readonly apiKey: string;
  readonly managementKey: string;
}

/** A running emulator process, as the measurements see it. */
export interface EmulatorProcess {
  readonly url: string;
  readonly address: string;
  readonly apiKey: string;
  readonly managementKey: string;
  readonly pid: number;
  /** Sets the emulator's pause between streamed chunks, in ms. */
  setChunkDelay(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** Forks this file as the emulator process and waits until it listens. */
export function startEmulatorProcess(): Promise<EmulatorProcess> {
  const child = fork(fileURLToPath(import.meta.url), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the emulator process exited with ${code}`)));
    child.once("message", (m: Ready) => {
      const pending: (() => void)[] = [];
      child.on("message", () => pending.shift()?.());
      resolve({
        url: m.url,
        address: m.address,
        apiKey: m.apiKey,
        managementKey: m.managementKey,
        pid: child.pid as number,
        setChunkDelay: (ms) =>
          new Promise<void>((done) => {
            pending.push(done);
            child.send({ type: "chunkDelay", ms } satisfies Command);
          }),
        close: () =>
          new Promise<void>((done) => {
            child.removeAllListeners("exit");
            child.once("exit", () => done());
            child.disconnect();
          }),
      });
    });
  });
}

// Run as the child: start the emulator and serve the runner's commands.
if (process.send && process.argv[1] === fileURLToPath(import.meta.url)) {
  const emu = await startEmulator();
  process.on("message", (m: Command) => {
    if (m.type === "chunkDelay") emu.context.chat.streamChunkDelayMs = m.ms;
    process.send?.({ type: "ok" });
  });
  process.on("disconnect", () => {
    void emu.close().then(() => process.exit(0));
  });
  const { apiKey, managementKey } = emu.context.config;
  process.send({ type: "ready", url: emu.url, address: emu.address, apiKey, managementKey } satisfies Ready);
}
