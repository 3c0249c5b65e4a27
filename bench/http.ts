/**
 * 7. Streamable HTTP: the per-call cost of the HTTP transport against the same server over stdio and
 * against the floor (the MCP round trip of a one-tool HTTP echo server on the same SDK plus the
 * same RPC made directly with grpc-js); then 100 sessions open at once, each with a call in
 * flight, against the echo server doing the same.
 */
import { CALL_CASES } from "./call-overhead.js";
import { type BenchEnv, type Measured, round } from "./support/bench-env.js";
import { DirectGrpc } from "./support/direct-grpc.js";
import { connectHttp, startHttpProcess } from "./support/http-processes.js";
import { HTTP_ECHO_ENTRY, type McpSession, rssMiB, SERVER_ENTRY, startSession } from "./support/processes.js";
import type { Row } from "./support/report.js";
import { interleave, now, pairwiseSum, summarize } from "./support/stats.js";

const SESSIONS = 100;

export async function measureHttp(env: BenchEnv): Promise<Measured> {
  const rounds = env.quick ? 300 : 1500;
  const warmup = env.quick ? 100 : 300;
  const bursts = env.quick ? 5 : 20;
  const c = CALL_CASES[0] as (typeof CALL_CASES)[number];
  const request = DirectGrpc.request(c.method.input, c.args);
  const ours = await startHttpProcess(SERVER_ENTRY, ["--http", "127.0.0.1:0"], env.serverEnv);
  const echo = await startHttpProcess(HTTP_ECHO_ENTRY, []);
  const stdio = await startSession(SERVER_ENTRY, env.serverEnv);
  const opened: McpSession[] = [];
  const rows: Row[] = [];
  const details: Record<string, unknown> = { rounds, warmup, bursts, sessions: SESSIONS };
  try {
    const http = await connectHttp(ours.url);
    const httpEcho = await connectHttp(echo.url);
    opened.push(http, httpEcho);
    const series = {
      http: [] as number[],
      stdio: [] as number[],
      echo: [] as number[],
      direct: [] as number[],
    };
    let record = false;
    const timed = (into: number[], f: () => Promise<unknown>) => async () => {
      const t = now();
      await f();
      if (record) into.push(now() - t);
    };
    env.log(`http: ${c.tool} over HTTP, stdio and the HTTP echo floor, ${warmup} warm-up + ${rounds} rounds`);
    const ops = [
      timed(series.http, () => http.call(c.tool, c.args)),
      timed(series.stdio, () => stdio.call(c.tool, c.args)),
      timed(series.echo, () => httpEcho.call("echo", c.args)),
      timed(series.direct, () => env.direct.unary(c.method, request)),
    ];
    await interleave(warmup, ops);
    record = true;
    await interleave(rounds, ops);
    const overHttp = summarize(series.http);
    const overStdio = summarize(series.stdio);
    const echoed = summarize(series.echo);
    const direct = summarize(series.direct);
    const floor = { ...summarize(pairwiseSum(series.echo, series.direct)), p50: echoed.p50 + direct.p50 };
    rows.push(
      {
        measure: "7 HTTP",
        metric: `${c.tool} p50, HTTP vs stdio`,
        value: overHttp.p50,
        unit: "ms",
        baseline: overStdio.p50,
        ratio: overHttp.p50 / overStdio.p50,
      },
      {
        measure: "7 HTTP",
        metric: `${c.tool} p50, HTTP vs HTTP echo + direct`,
        value: overHttp.p50,
        unit: "ms",
        baseline: floor.p50,
        ratio: overHttp.p50 / floor.p50,
      },
      {
        measure: "7 HTTP",
        metric: `${c.tool} p99, HTTP vs HTTP echo + direct`,
        value: overHttp.p99,
        unit: "ms",
        baseline: floor.p99,
        ratio: overHttp.p99 / floor.p99,
      },
    );
    details.perCall = {
      http: { p50: round(overHttp.p50), p99: round(overHttp.p99) },
      stdio: { p50: round(overStdio.p50), p99: round(overStdio.p99) },
      echo: { p50: round(echoed.p50), p99: round(echoed.p99) },
      direct: { p50: round(direct.p50), p99: round(direct.p99) },
    };

    // 100 sessions open at once, every one with a call in flight.
    const rssOne = rssMiB(ours.pid);
    env.log(`http: opening ${SESSIONS} sessions on each server`);
    const t = now();
    const many = await Promise.all(Array.from({ length: SESSIONS }, () => connectHttp(ours.url)));
    const openMs = now() - t;
    opened.push(...many);
    const manyEcho = await Promise.all(Array.from({ length: SESSIONS }, () => connectHttp(echo.url)));
    opened.push(...manyEcho);
    let failures = 0;
    const totals = { ours: { ms: 0, calls: 0 }, echo: { ms: 0, calls: 0 }, direct: { ms: 0, calls: 0 } };
    record = false;
    const burst =
      (into: { ms: number; calls: number }, f: (s: McpSession) => Promise<unknown>, of: McpSession[]) =>
      async () => {
        const started = now();
        const outcomes = await Promise.allSettled(of.map(f));
        const ms = now() - started;
        failures += outcomes.filter((o) => o.status === "rejected").length;
        if (record) {
          into.ms += ms;
          into.calls += of.length;
        }
      };
    const sessionOps = [
      burst(totals.ours, (s) => s.call(c.tool, c.args), many),
      burst(totals.echo, (s) => s.call("echo", c.args), manyEcho),
      burst(totals.direct, () => env.direct.unary(c.method, request), many),
    ];
    env.log(`http: ${SESSIONS} sessions with a call each, 3 warm-up + ${bursts} bursts`);
    await interleave(3, sessionOps);
    record = true;
    await interleave(bursts, sessionOps);
    const rssMany = rssMiB(ours.pid);
    const oursRate = (totals.ours.calls / totals.ours.ms) * 1000;
    const echoRate = (totals.echo.calls / totals.echo.ms) * 1000;
    // The floor: the echo server's burst and the same RPCs in flight directly, one after the other.
    const floorRate = (totals.echo.calls / (totals.echo.ms + totals.direct.ms)) * 1000;
    rows.push(
      {
        measure: "7 HTTP",
        metric: `${SESSIONS} sessions, a call in each: calls/s vs HTTP echo + direct`,
        value: oursRate,
        unit: "/s",
        baseline: floorRate,
        ratio: oursRate / floorRate,
      },
      {
        measure: "7 HTTP",
        metric: `${SESSIONS} sessions: failed calls`,
        value: failures,
        unit: "",
        target: "0",
        ok: failures === 0,
      },
      {
        measure: "7 HTTP",
        metric: `memory per open session`,
        value: (rssMany - rssOne) / SESSIONS,
        unit: "MiB",
      },
    );
    details.sessions = {
      openMs: round(openMs),
      oursCallsPerSecond: round(oursRate),
      echoCallsPerSecond: round(echoRate),
      floorCallsPerSecond: round(floorRate),
      failures,
      rssOneMiB: round(rssOne),
      rssManyMiB: round(rssMany),
    };
  } finally {
    await Promise.allSettled(opened.map((s) => s.close()));
    await stdio.close();
    await ours.close();
    await echo.close();
  }
  return { rows, details };
}
