import { describe, expect, it } from "vitest";
import { Chat, MessageRole } from "../../gen/xai/api/v1/chat_pb.js";
import { DeferredStatus } from "../../gen/xai/api/v1/deferred_pb.js";
import { Status } from "../../src/grpc/status.js";
import { useEmulator } from "../support/emulator-fixture.js";
import { msg } from "./chat-support.js";

const TTL_MS = 60_000;

const fx = useEmulator({ deferredPendingPolls: 2, deferredTtlMs: TTL_MS });

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as { code: number; details: string },
  );

const ask = (text: string, extra: Record<string, unknown> = {}) => ({
  model: "grok-4-fast",
  messages: [msg(MessageRole.ROLE_USER, text)],
  ...extra,
});

describe("deferred completions", () => {
  it("answers PENDING for the configured polls, then DONE with the answer, then EXPIRED after the TTL", async () => {
    const { requestId } = await fx.client.unary(Chat.method.startDeferredCompletion, ask("deferred please"));
    expect(requestId).toMatch(/^deferred-[0-9a-f]{8}$/);
    const poll = () => fx.client.unary(Chat.method.getDeferredCompletion, { requestId });
    expect((await poll()).status).toBe(DeferredStatus.PENDING);
    const second = await poll();
    expect(second.status).toBe(DeferredStatus.PENDING);
    expect(second.response).toBeUndefined();
    const done = await poll();
    expect(done.status).toBe(DeferredStatus.DONE);
    expect(done.response?.id).toBe(requestId);
    const direct = await fx.client.unary(Chat.method.getCompletion, ask("deferred please"));
    expect(done.response?.outputs).toEqual(direct.outputs);
    expect(done.response?.usage).toEqual(direct.usage);
    // Still there on the next poll, until the time-to-live runs out on the emulator's clock.
    expect((await poll()).status).toBe(DeferredStatus.DONE);
    fx.emu.context.advance(TTL_MS);
    const expired = await poll();
    expect(expired.status).toBe(DeferredStatus.EXPIRED);
    expect(expired.response).toBeUndefined();
  });

  it("validates at start and knows no unknown ids", async () => {
    const bad = await failure(
      fx.client.unary(Chat.method.startDeferredCompletion, ask("x", { model: "grok-9" })),
    );
    expect(bad?.code).toBe(Status.NOT_FOUND);
    const empty = await failure(
      fx.client.unary(Chat.method.startDeferredCompletion, { model: "grok-4", messages: [] }),
    );
    expect(empty?.code).toBe(Status.INVALID_ARGUMENT);
    const unknown = await failure(
      fx.client.unary(Chat.method.getDeferredCompletion, { requestId: "deferred-nope" }),
    );
    expect(unknown?.code).toBe(Status.NOT_FOUND);
    expect(unknown?.details).toContain("deferred-nope");
  });
});

describe("stored completions", () => {
  it("stores with store_messages, fetches and deletes by id", async () => {
    const r = await fx.client.unary(Chat.method.getCompletion, ask("remember this", { storeMessages: true }));
    expect(r.settings?.storeMessages).toBe(true);
    const fetched = await fx.client.unary(Chat.method.getStoredCompletion, { responseId: r.id });
    expect(fetched).toEqual(r);
    const deleted = await fx.client.unary(Chat.method.deleteStoredCompletion, { responseId: r.id });
    expect(deleted.responseId).toBe(r.id);
    const gone = await failure(fx.client.unary(Chat.method.getStoredCompletion, { responseId: r.id }));
    expect(gone?.code).toBe(Status.NOT_FOUND);
    const again = await failure(fx.client.unary(Chat.method.deleteStoredCompletion, { responseId: r.id }));
    expect(again?.code).toBe(Status.NOT_FOUND);
  });

  it("does not store without store_messages", async () => {
    const r = await fx.client.unary(Chat.method.getCompletion, ask("forget this"));
    const missing = await failure(fx.client.unary(Chat.method.getStoredCompletion, { responseId: r.id }));
    expect(missing?.code).toBe(Status.NOT_FOUND);
  });

  it("continues a stored conversation with previous_response_id", async () => {
    const { tokenizer } = fx.emu.context;
    const first = await fx.client.unary(
      Chat.method.getCompletion,
      ask("My name is Ada.", { storeMessages: true }),
    );
    const firstAnswer = first.outputs[0]?.message?.content ?? "";
    const second = await fx.client.unary(
      Chat.method.getCompletion,
      ask("What is my name?", { previousResponseId: first.id, storeMessages: true }),
    );
    const content = second.outputs[0]?.message?.content ?? "";
    expect(content).toContain(`continues stored response ${first.id}`);
    expect(content).toContain("What is my name?");
    expect(content).toContain("3 messages (2 user, 1 assistant)");
    expect(second.settings?.previousResponseId).toBe(first.id);
    expect(second.usage?.promptTokens).toBe(
      tokenizer.count("My name is Ada.") + tokenizer.count(firstAnswer) + tokenizer.count("What is my name?"),
    );
    // The chain goes on: the second response carries the whole conversation.
    const third = await fx.client.unary(
      Chat.method.getCompletion,
      ask("And again?", { previousResponseId: second.id }),
    );
    expect(third.outputs[0]?.message?.content).toContain("5 messages (3 user, 2 assistant)");
  });
});

describe("CompactContext", () => {
  const conversation = [
    msg(MessageRole.ROLE_SYSTEM, "You are a helpful assistant."),
    msg(MessageRole.ROLE_USER, "Plan a trip to Lisbon for three days."),
    msg(MessageRole.ROLE_ASSISTANT, "Day one: Alfama and the castle. Day two: Belem. Day three: Sintra."),
    msg(MessageRole.ROLE_USER, "Add a food tour."),
    msg(MessageRole.ROLE_ASSISTANT, "Add a food tour in Baixa on day two."),
  ];

  it("drops the older messages into one opaque blob that later requests can use", async () => {
    const { tokenizer } = fx.emu.context;
    const r = await fx.client.unary(Chat.method.compactContext, { model: "grok-4", input: conversation });
    expect(r.id).toMatch(/^compact-[0-9a-f]{8}$/);
    expect(r.droppedMessageCount).toBe(3);
    expect(r.encryptedContent).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const promptText = ["You are a helpful assistant.", "Plan a trip to Lisbon for three days."]
      .concat(["Day one: Alfama and the castle. Day two: Belem. Day three: Sintra.", "Add a food tour."])
      .concat(["Add a food tour in Baixa on day two."]);
    expect(r.usage?.promptTokens).toBe(promptText.reduce((n, t) => n + tokenizer.count(t), 0));
    expect(r.usage?.completionTokens).toBeGreaterThan(0);

    const follow = await fx.client.unary(Chat.method.getCompletion, {
      model: "grok-4-fast",
      messages: [
        { role: MessageRole.ROLE_USER, encryptedContent: r.encryptedContent },
        ...conversation.slice(3),
        msg(MessageRole.ROLE_USER, "What did we plan?"),
      ],
    });
    expect(follow.outputs[0]?.message?.content).toContain(
      "3 earlier messages reached me as a compacted context",
    );
    // The blob counts as the summary it holds, not as the messages it replaced.
    const decoded = Buffer.from(r.encryptedContent, "base64").toString();
    const { summary, droppedMessages } = JSON.parse(decoded.slice(decoded.indexOf("{")));
    expect(droppedMessages).toBe(3);
    expect(summary).toContain("Plan a trip to Lisbon");
    expect(follow.usage?.promptTokens).toBe(
      tokenizer.count(summary) +
        tokenizer.count("Add a food tour.") +
        tokenizer.count("Add a food tour in Baixa on day two.") +
        tokenizer.count("What did we plan?"),
    );
  });

  it("validates its input like a completion", async () => {
    const empty = await failure(fx.client.unary(Chat.method.compactContext, { model: "grok-4", input: [] }));
    expect(empty?.code).toBe(Status.INVALID_ARGUMENT);
    expect(empty?.details).toMatch(/input must not be empty/);
    const unknown = await failure(
      fx.client.unary(Chat.method.compactContext, { model: "grok-9", input: conversation }),
    );
    expect(unknown?.code).toBe(Status.NOT_FOUND);
    const noRole = await failure(
      fx.client.unary(Chat.method.compactContext, {
        model: "grok-4",
        input: [{ content: [{ content: { case: "text", value: "x" } }] }],
      }),
    );
    expect(noRole?.code).toBe(Status.INVALID_ARGUMENT);
    expect(noRole?.details).toMatch(/input\[0\]\.role must be set/);
  });
});
