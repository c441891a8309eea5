import { describe, expect, it } from "vitest";
import type { OpackEncodable } from "../opack.js";
import { decodeRtiSession } from "../rti.js";
import {
  FAKE_MAX_RECORDED,
  FAKE_MAX_TEXT_LENGTH,
  type FakeCompanionConnectionHandle,
  FakeCompanionState,
} from "./state.js";

/** A connection that keeps what it was sent. */
function handle(): FakeCompanionConnectionHandle & { sent: [string, OpackEncodable][] } {
  const sent: [string, OpackEncodable][] = [];
  return {
    sent,
    drop: () => {},
    sendEvent: () => {},
    sendUnsolicitedEvent: (identifier, content) => sent.push([identifier, content]),
  };
}

describe("FakeCompanionState bounds", () => {
  it("keeps only the last FAKE_MAX_RECORDED events and touches", () => {
    const state = new FakeCompanionState();
    for (let i = 0; i < FAKE_MAX_RECORDED + 500; i++) {
      state.recordTouch({ phase: 1, x: i, y: 0 });
    }
    expect(state.touches).toHaveLength(FAKE_MAX_RECORDED);
    expect(state.touches[0]).toEqual({ phase: 1, x: 500, y: 0 });
    expect(state.touches.at(-1)).toEqual({ phase: 1, x: FAKE_MAX_RECORDED + 499, y: 0 });
    expect(state.events).toHaveLength(FAKE_MAX_RECORDED);
    expect(state.events.at(-1)).toEqual({
      kind: "touch",
      touch: { phase: 1, x: FAKE_MAX_RECORDED + 499, y: 0 },
    });
  });

  it("ignores text operations that would pass FAKE_MAX_TEXT_LENGTH", () => {
    const state = new FakeCompanionState();
    const client = handle();
    const tiD = state.startTextInput(client);
    const { sessionUuid } = decodeRtiSession(tiD as Uint8Array);
    const full = "a".repeat(FAKE_MAX_TEXT_LENGTH - 1);
    expect(
      state.applyTextOperations(client, {
        sessionUuid,
        textToAssert: undefined,
        insertionText: full,
      }),
    ).toBe(true);
    expect(
      state.applyTextOperations(client, {
        sessionUuid,
        textToAssert: undefined,
        insertionText: "bb",
      }),
    ).toBe(false);
    expect(state.text).toBe(full);
    expect(
      state.applyTextOperations(client, { sessionUuid, textToAssert: "", insertionText: "bb" }),
    ).toBe(true);
    expect(state.text).toBe("bb");
    expect(() => state.setText("c".repeat(FAKE_MAX_TEXT_LENGTH + 1))).toThrow(RangeError);
    expect(state.text).toBe("bb");
  });

  it("forgets a client's text input when its connection goes", () => {
    const state = new FakeCompanionState();
    const client = handle();
    const { sessionUuid } = decodeRtiSession(state.startTextInput(client) as Uint8Array);
    state.addConnection(client);
    state.removeConnection(client);
    expect(
      state.applyTextOperations(client, { sessionUuid, textToAssert: "", insertionText: "x" }),
    ).toBe(false);
    state.setTextFocus(false);
    expect(client.sent).toEqual([]);
  });

  it("changes focus only when it differs, and says so once", () => {
    const state = new FakeCompanionState();
    const client = handle();
    state.startTextInput(client);
    state.setTextFocus(true);
    expect(client.sent).toEqual([]);
    state.setTextFocus(false);
    state.setTextFocus(false);
    expect(client.sent).toEqual([["_tiStopped", {}]]);
    expect(state.events).toEqual([{ kind: "keyboard_focus", focused: false }]);
  });
});
