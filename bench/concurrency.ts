/**
 * 6. Concurrency: 100 calls in flight at once through the server, every one of which must
 * succeed; throughput in calls per second, against the one-thread floor measured in the same
 * rounds: a process that does the echo server's work (the MCP half) and the direct call's work
 * (the gRPC half) one after the other could do 1 / (1/echo + 1/direct) calls per second.
 */
import { CALL_CASES } from "./call-overhead.js";
import { type BenchEnv, type Measured, round } from "./support/bench-env.js";
import { DirectGrpc } from "./support/direct-grpc.js";
import { ECHO_ENTRY, SERVER_ENTRY, startSession } from "./support/processes.js";
import { interleave, now } from "./support/stats.js";

const IN_FLIGHT = 100;
const TARGET = 0.8;

export async function measureConcurrency(env: BenchEnv): Promise<Measured> {
  const rounds = env.quick ? 5 : 30;
  const c = CALL_CASES[0] as (typeof CALL_CASES)[number];
  const request = DirectGrpc.request(c.method.input, c.args);
  const session = await startSession(SERVER_ENTRY, env.serverEnv);
  const echo = await startSession(ECHO_ENTRY);
  const totals = { mcp: { ms: 0, calls: 0 }, direct: { ms: 0, calls: 0 }, echo: { ms: 0, calls: 0 } };
  let failures = 0;
  let record = false;
  const burst = (into: { ms: number; calls: number }, f: () => Promise<unknown>) => async () => {
    const t = now();
    const outcomes = await Promise.allSettled(Array.from({ length: IN_FLIGHT }, f));
    const ms = now() - t;
    failures += outcomes.filter((o) => o.status === "rejected").length;
    if (record) {
      into.ms += ms;
      into.calls += IN_FLIGHT;
    }
  };
  try {
    const ops = [
      burst(totals.mcp, () => session.call(c.tool, c.args)),
      burst(totals.direct, () => env.direct.unary(c.method, request)),
      burst(totals.echo, () => echo.call("echo", c.args)),
    ];
    env.log(`concurrency: ${IN_FLIGHT} in flight, 5 warm-up + ${rounds} bursts each`);
    await interleave(5, ops);
    record = true;
    await interleave(rounds, ops);
  } finally {
    await session.close();
    await echo.close();
  }
  const mcp = (totals.mcp.calls / totals.mcp.ms) * 1000;
  const direct = (totals.direct.calls / totals.direct.ms) * 1000;
  const echoed = (totals.echo.calls / totals.echo.ms) * 1000;
  const floor = 1 / (1 / echoed + 1 / direct);
  const ratio = mcp / floor;
  return {
    rows: [
      {
        measure: "6 concurrency",
        metric: `${IN_FLIGHT} in flight: calls/s vs one-thread floor 1/(1/echo + 1/direct)`,
        value: mcp,
        unit: "/s",
        baseline: floor,
        ratio,
        target: `≥ ${TARGET}×`,
        ok: ratio >= TARGET && failures === 0,
      },
      {
        measure: "6 concurrency",
        metric: "direct gRPC calls (the gRPC half alone): calls/s",
        value: direct,
        unit: "/s",
      },
      {
        measure: "6 concurrency",
        metric: "echo server (the MCP half alone): calls/s",
        value: echoed,
        unit: "/s",
      },
      {
        measure: "6 concurrency",
        metric: "failed calls",
        value: failures,
        unit: "",
        target: "0",
        ok: failures === 0,
      },
    ],
    details: {
      rounds,
      inFlight: IN_FLIGHT,
      mcpPerSecond: round(mcp),
      directPerSecond: round(direct),
      echoPerSecond: round(echoed),
      floorPerSecond: round(floor),
      ratio: round(ratio),
      failures,
    },
  };
}
