import { describe, expect, it } from "vitest";
import { abortableSleep, HookedAbortController, onAbort } from "../src/abort-hooks.js";

describe("abort hooks", () => {
  it("run once when a hooked controller aborts, after the signal's own abort event", () => {
    const controller = new HookedAbortController();
    const seen: string[] = [];
    controller.signal.addEventListener("abort", () => seen.push("event"));
    onAbort(controller.signal, () => seen.push(`hook: ${String(controller.signal.reason)}`));
    controller.abort("stop");
    controller.abort("again");
    expect(seen).toEqual(["event", "hook: stop"]);
    expect(controller.signal.aborted).toBe(true);
  });

  it("can be removed before the abort", () => {
    const controller = new HookedAbortController();
    let ran = 0;
    const forget = onAbort(controller.signal, () => ran++);
    onAbort(controller.signal, () => ran++);
    forget();
    controller.abort();
    expect(ran).toBe(1);
  });

  it("run at once on a signal that has aborted already", () => {
    const controller = new HookedAbortController();
    controller.abort();
    let ran = 0;
    onAbort(controller.signal, () => ran++);
    onAbort(AbortSignal.abort(), () => ran++);
    expect(ran).toBe(2);
  });

  it("work on any AbortSignal through a listener, removable too", () => {
    const plain = new AbortController();
    let ran = 0;
    onAbort(plain.signal, () => ran++);
    const forget = onAbort(plain.signal, () => ran++);
    forget();
    plain.abort();
    plain.abort();
    expect(ran).toBe(1);
    expect(onAbort(undefined, () => ran++)).toBeTypeOf("function");
    expect(ran).toBe(1);
  });

  it("end a sleep early when its signal aborts, hooked or not, and at once when it has", async () => {
    const hooked = new HookedAbortController();
    const plain = new AbortController();
    const sleeps = [abortableSleep(60_000, hooked.signal), abortableSleep(60_000, plain.signal)];
    hooked.abort();
    plain.abort();
    await Promise.all(sleeps);
    await abortableSleep(60_000, AbortSignal.abort());
    let woke = false;
    await abortableSleep(1, new AbortController().signal).then(() => {
      woke = true;
    });
    expect(woke).toBe(true);
  });
});
