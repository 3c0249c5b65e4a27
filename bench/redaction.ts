/**
 * 7. Redaction: the cost of scanning every outgoing message for the keys (their 8-character runs
 * and encodings), per message, next to the cost of the serialization every message pays anyway
 * (`JSON.stringify`). In-process: it is pure CPU work on the message, the same in every transport.
 */
import { Redactor } from "../src/redaction.js";
import type { BenchEnv, Measured } from "./support/bench-env.js";
import { round } from "./support/bench-env.js";
import type { Row } from "./support/report.js";
import { now, summarize } from "./support/stats.js";

const KEYS = ["xai-Bx7Qk2Vd9RzT4mWb6PLn3Hs1Gf0YcJ8eUa5", "xai-mgmt-Lr5Xn8Jc3Hs1Gf0YtQ2wE9rT"];

/** A tool result as the server sends it: a text block and its structured content. */
function result(textChars: number): object {
  const words = "The tide rises twice a day, pulled by the moon; ".repeat(Math.ceil(textChars / 48));
  const text = words.slice(0, textChars);
  return {
    jsonrpc: "2.0",
    id: 42,
    result: {
      content: [{ type: "text", text }],
      structuredContent: {
        id: "0b9f6c1e-5d2a-4e8b-9c61-2f0d7a4e3b18",
        outputs: [{ finish_reason: "REASON_STOP", message: { content: text, role: "ROLE_ASSISTANT" } }],
        model: "grok-4-0709",
        usage: { prompt_tokens: 37, completion_tokens: 120, total_tokens: 157 },
      },
    },
  };
}

function time(fn: () => unknown, iterations: number): number {
  for (let i = 0; i < Math.min(50, iterations); i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t = now();
    fn();
    samples.push(now() - t);
  }
  return summarize(samples).p50;
}

export async function measureRedaction(env: BenchEnv): Promise<Measured> {
  env.log("redaction: scanning outgoing messages for the keys");
  const redactor = new Redactor(KEYS);
  const rows: Row[] = [];
  const details: Record<string, unknown> = {};
  const cases: [string, number, number][] = [
    ["chat result, 1 KB", 1_000, env.quick ? 500 : 5_000],
    ["page, 32 KB", 32_000, env.quick ? 100 : 1_000],
    ["large text, 1 MB", 1_000_000, env.quick ? 5 : 40],
  ];
  for (const [name, chars, iterations] of cases) {
    const message = result(chars);
    const redact = time(() => redactor.value(message), iterations);
    const serialize = time(() => JSON.stringify(message), iterations);
    details[name] = { redact_ms: round(redact), serialize_ms: round(serialize), iterations };
    // The baseline is the message's serialization, which every message pays anyway; the target is
    // about a typical result: at most 1 % of a call's 2.5 ms floor (see the calls measure).
    const typical = chars <= 1_000;
    rows.push({
      measure: "7 redaction",
      metric: `per message: ${name} (vs JSON.stringify)`,
      value: redact * 1000,
      unit: "µs",
      baseline: serialize * 1000,
      ratio: redact / serialize,
      ...(typical ? { target: "≤ 25 µs (1 % of a call)", ok: redact * 1000 <= 25 } : {}),
    });
  }
  return { rows, details };
}
