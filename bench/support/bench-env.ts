import type { DirectGrpc } from "./direct-grpc.js";
import type { EmulatorProcess } from "./emulator-process.js";
import type { Row } from "./report.js";

/** What every measurement runs against: one emulator, shared by the server and the direct client. */
export interface BenchEnv {
  /** The emulator, in a process of its own. */
  readonly emulator: EmulatorProcess;
  /** Plain grpc-js against the same emulator. */
  readonly direct: DirectGrpc;
  /** The environment that points a spawned server at the emulator, with both keys (all tools). */
  readonly serverEnv: Record<string, string>;
  /** Fewer iterations: a smoke run, with noisier figures. */
  readonly quick: boolean;
  /** Progress lines for the person waiting (stderr). */
  log(message: string): void;
}

/** What one measurement gives back: its lines of the table and everything it measured. */
export interface Measured {
  readonly rows: Row[];
  readonly details: Record<string, unknown>;
}

/** Rounds to 3 decimals, for the JSON file. */
export const round = (v: number): number => Math.round(v * 1000) / 1000;
