/** src/grpc/routing.ts: the one place that says what a method's path is and which host serves it. */
import { describe, expect, it } from "vitest";
import { Chat } from "../gen/xai/api/v1/chat_pb.js";
import { Collections } from "../gen/xai/api/v1/collections_pb.js";
import { hostOf, hostOfPath, hostOfService, methodPath } from "../src/grpc/routing.js";
import { SERVICES } from "../src/tools/services.js";

describe("routing", () => {
  it("writes a method's path as /package.Service/Method", () => {
    expect(methodPath(Chat.method.getCompletion)).toBe("/xai_api.Chat/GetCompletion");
    expect(methodPath(Collections.method.listCollections)).toBe("/collections.Collections/ListCollections");
  });

  it("sends Collections to the management host and every other service to the API host", () => {
    const byHost = Object.fromEntries(
      SERVICES.map(({ service }) => [service.typeName, hostOfService(service.typeName)]),
    );
    expect(Object.entries(byHost).filter(([, host]) => host === "management")).toEqual([
      ["collections.Collections", "management"],
    ]);
    expect(Object.keys(byHost)).toHaveLength(12);
  });

  it("answers the same for a method, its path and its service", () => {
    for (const { service } of SERVICES) {
      for (const method of service.methods) {
        expect(hostOf(method)).toBe(hostOfService(service.typeName));
        expect(hostOfPath(methodPath(method))).toBe(hostOf(method));
      }
    }
  });
});
