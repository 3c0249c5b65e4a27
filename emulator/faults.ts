import type { status as Status } from "@grpc/grpc-js";

/**
 * Faults the emulator injects on request, for tests of how clients cope. Off unless asked for.
 * A rule applies to one method path (`/xai_api.Chat/GetCompletion`) or to every method (`*`).
 */
export interface FaultRule {
  /** Fail this many upcoming calls with `status`, then behave normally. */
  failNext?: number;
  /** The status of injected failures (default `UNAVAILABLE`). */
  status?: Status;
  /** The message of injected failures. */
  message?: string;
  /** Delay every call's answer by this many milliseconds. */
  latencyMs?: number;
  /** Break a server stream with `status` after this many messages. */
  breakStreamAfter?: number;
  /** Never answer (until the client cancels or its deadline passes). */
  stall?: boolean;
  /**
   * Run this many upcoming calls, then answer each with `status` instead of its result: the call's
   * effect happened, its answer was lost (a dropped connection after the server acted).
   */
  loseAnswerNext?: number;
}

/** The fault rules in force, editable while the emulator runs. */
export class Faults {
  readonly #rules = new Map<string, FaultRule>();

  /** Sets (replaces) the rule of a method path, or of `*` for all methods. */
  set(method: string, rule: FaultRule): void {
    this.#rules.set(method, { ...rule });
  }

  /** Removes every rule. */
  clear(): void {
    this.#rules.clear();
  }

  /** The rule for a call, consuming one `failNext` count when it decides the call fails. */
  take(method: string): { fail?: { status?: Status; message: string }; rule?: FaultRule } {
    const rule = this.#rules.get(method) ?? this.#rules.get("*");
    if (!rule) return {};
    if (rule.failNext && rule.failNext > 0) {
      rule.failNext -= 1;
      return { rule, fail: { status: rule.status, message: rule.message ?? "injected fault" } };
    }
    return { rule };
  }

  /** The failure that replaces the answer of a call that ran, consuming one `loseAnswerNext` count. */
  takeLostAnswer(rule: FaultRule | undefined): { status?: Status; message: string } | undefined {
    if (!rule?.loseAnswerNext || rule.loseAnswerNext <= 0) return undefined;
    rule.loseAnswerNext -= 1;
    return {
      status: rule.status,
      message: rule.message ?? "answer lost after the call ran (injected fault)",
    };
  }

  /**
   * Parses the standalone emulator's `--fault` flag: `METHOD=key:value,key:value`, e.g.
   * `/xai_api.Chat/GetCompletion=failNext:2,status:14` or `*=latencyMs:50`.
   */
  static parseFlag(text: string): [string, FaultRule] {
    const eq = text.lastIndexOf("=");
    if (eq <= 0) throw new Error(`invalid --fault "${text}": expected METHOD=key:value[,key:value]`);
    const rule: FaultRule = {};
    for (const part of text.slice(eq + 1).split(",")) {
      const [key, value = ""] = part.split(":");
      switch (key) {
        case "failNext":
        case "loseAnswerNext":
        case "latencyMs":
        case "breakStreamAfter":
        case "status":
          rule[key] = Number(value);
          break;
        case "message":
          rule.message = value;
          break;
        case "stall":
          rule.stall = value !== "false";
          break;
        default:
          throw new Error(`invalid --fault "${text}": unknown key "${key}"`);
      }
    }
    return [text.slice(0, eq), rule];
  }
}
