import { ConnectionLostError } from "@atv/interface";
import { describe, expect, it } from "vitest";
import { EventInterests } from "./interest.js";
import { StubProtocol } from "./stub-protocol.js";

describe("EventInterests", () => {
  it("registers each event once and deregisters what it registered", () => {
    const protocol = new StubProtocol();
    const interests = new EventInterests(protocol);
    interests.subscribe("_iMC");
    interests.subscribe("SystemStatus");
    interests.subscribe("_iMC");
    interests.unsubscribe("never");
    expect(interests.subscribed).toEqual(["_iMC", "SystemStatus"]);
    interests.unsubscribeAll();
    expect(interests.subscribed).toEqual([]);
    expect(protocol.sent.map((s) => [s.kind, s.identifier, s.content])).toEqual([
      ["event", "_interest", { _regEvents: ["_iMC"] }],
      ["event", "_interest", { _regEvents: ["SystemStatus"] }],
      ["event", "_interest", { _deregEvents: ["_iMC"] }],
      ["event", "_interest", { _deregEvents: ["SystemStatus"] }],
    ]);
  });

  it("leaves an event unregistered when the send fails, and forgets all on close", () => {
    const protocol = new StubProtocol();
    let open = true;
    const flaky = {
      sendEvent: (identifier: string, content: Parameters<StubProtocol["sendEvent"]>[1]) => {
        if (!open) throw new ConnectionLostError("closed");
        protocol.sendEvent(identifier, content);
      },
    };
    const interests = new EventInterests(flaky);
    interests.subscribe("_iMC");
    open = false;
    expect(() => interests.subscribe("SystemStatus")).toThrow(ConnectionLostError);
    expect(interests.subscribed).toEqual(["_iMC"]);
    expect(() => interests.unsubscribeAll()).not.toThrow();
    expect(interests.subscribed).toEqual([]);
  });
});
