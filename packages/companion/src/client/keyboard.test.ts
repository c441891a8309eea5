import { KeyboardFocusState, ProtocolError } from "@atv/interface";
import { describe, expect, it } from "vitest";
import type { OpackValue } from "../opack.js";
import { decodeRtiTextOperations, encodeRtiSession } from "../rti.js";
import { CompanionKeyboard } from "./keyboard.js";
import { StubProtocol } from "./stub-protocol.js";

const UUID = Uint8Array.from({ length: 16 }, (_, i) => i + 1);

/** A device whose `_tiStart` answers with a session over `text`, or none when unfocused. */
function device(field: { focused: boolean; text?: string; tiD?: OpackValue }) {
  const protocol = new StubProtocol();
  protocol.answers.set("_tiStart", () => {
    if (field.tiD !== undefined) return new Map([["_tiD", field.tiD]]);
    if (!field.focused) return new Map();
    return new Map([["_tiD", encodeRtiSession({ sessionUuid: UUID, text: field.text })]]);
  });
  return protocol;
}

function textOperations(protocol: StubProtocol) {
  return protocol.sent
    .filter((s) => s.identifier === "_tiC")
    .map((s) => {
      const content = s.content as Record<string, unknown>;
      expect(content._tiV).toBe(1);
      return decodeRtiTextOperations(content._tiD as Uint8Array);
    });
}

describe("CompanionKeyboard", () => {
  it("follows the focus from events and _tiStart answers, telling changes only", async () => {
    const field = { focused: true, text: "abc" };
    const protocol = device(field);
    const keyboard = new CompanionKeyboard(protocol);
    const heard: string[] = [];
    keyboard.listener = { focusstateUpdate: (old, state) => heard.push(`${old}->${state}`) };
    expect(keyboard.textFocusState).toBe(KeyboardFocusState.Unknown);
    await keyboard.start();
    expect(keyboard.textFocusState).toBe(KeyboardFocusState.Focused);
    protocol.emit("_tiStopped", {});
    expect(keyboard.textFocusState).toBe(KeyboardFocusState.Unfocused);
    protocol.emit("_tiStarted", { _tiD: new Uint8Array(1) });
    protocol.emit("_tiStarted", { _tiD: new Uint8Array(1) });
    expect(heard).toEqual(["0->2", "2->1", "1->2"]);
    keyboard.close();
    protocol.emit("_tiStopped", {});
    expect(keyboard.textFocusState).toBe(KeyboardFocusState.Focused);
  });

  it("reads the text from a fresh session: _tiStop, then _tiStart", async () => {
    const field = { focused: true, text: "hello" as string | undefined };
    const protocol = device(field);
    const keyboard = new CompanionKeyboard(protocol);
    await expect(keyboard.textGet()).resolves.toBe("hello");
    expect(protocol.identifiers()).toEqual(["_tiStop", "_tiStart"]);
    field.text = undefined;
    await expect(keyboard.textGet()).resolves.toBe("");
    expect(textOperations(protocol)).toEqual([]);
  });

  it("sets, appends and clears with _tiC text operations on the session", async () => {
    const protocol = device({ focused: true, text: "old" });
    const keyboard = new CompanionKeyboard(protocol);
    await keyboard.textSet("new text");
    expect(textOperations(protocol)).toEqual([
      { sessionUuid: UUID, textToAssert: "", insertionText: undefined },
      { sessionUuid: UUID, textToAssert: undefined, insertionText: "new text" },
    ]);
    protocol.sent.length = 0;
    await keyboard.textAppend("!");
    expect(textOperations(protocol)).toEqual([
      { sessionUuid: UUID, textToAssert: undefined, insertionText: "!" },
    ]);
    protocol.sent.length = 0;
    await keyboard.textClear();
    expect(textOperations(protocol)).toEqual([
      { sessionUuid: UUID, textToAssert: "", insertionText: undefined },
    ]);
    protocol.sent.length = 0;
    // Appending nothing asks nothing of the device.
    await keyboard.textAppend("");
    expect(textOperations(protocol)).toEqual([]);
  });

  it("does nothing without a focused field, as pyatv", async () => {
    const protocol = device({ focused: false });
    const keyboard = new CompanionKeyboard(protocol);
    await expect(keyboard.textGet()).resolves.toBeUndefined();
    await keyboard.textSet("x");
    await keyboard.textClear();
    await keyboard.textAppend("y");
    expect(textOperations(protocol)).toEqual([]);
    expect(keyboard.textFocusState).toBe(KeyboardFocusState.Unfocused);
  });

  it("is a ProtocolError when the session is not an RTI archive", async () => {
    for (const tiD of [new Uint8Array([1, 2, 3]), "not data"] as OpackValue[]) {
      const protocol = device({ focused: true, tiD });
      const keyboard = new CompanionKeyboard(protocol);
      await expect(keyboard.textSet("x")).rejects.toBeInstanceOf(ProtocolError);
      expect(textOperations(protocol)).toEqual([]);
    }
  });

  it("honours an aborted signal before sending", async () => {
    const protocol = device({ focused: true, text: "" });
    const keyboard = new CompanionKeyboard(protocol);
    const reason = new Error("stop");
    await expect(keyboard.textGet({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(protocol.sent).toEqual([]);
  });
});
