import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mutatedFrom } from "../../../../scripts/byte-mutations.js";
import type { CompanionMessage } from "../message.js";
import { MessageType } from "../message.js";
import type { OpackEncodable, OpackValue } from "../opack.js";
import {
  decodeRtiSession,
  encodeRtiClearText,
  encodeRtiInputText,
  type RtiSession,
} from "../rti.js";
import { FakeCompanionDevice } from "./device.js";
import type { FakeCompanionEvent } from "./state.js";
import { TestClient } from "./test-client.js";

let device: FakeCompanionDevice;
const clients: TestClient[] = [];

beforeEach(async () => {
  device = await FakeCompanionDevice.start({ identifier: "FAKE-KEYBOARD-TEST" });
});

afterEach(async () => {
  for (const created of clients.splice(0)) created.close();
  await device.close();
});

let credentials: Awaited<ReturnType<TestClient["pair"]>> | undefined;

async function verifiedClient(): Promise<TestClient> {
  if (credentials === undefined || !device.state.hasPaired) {
    const pairing = await TestClient.connect(device.port);
    clients.push(pairing);
    credentials = await pairing.pair("1111");
    pairing.close();
  }
  const verified = await TestClient.connect(device.port);
  clients.push(verified);
  await verified.verify(credentials);
  return verified;
}

function field(message: CompanionMessage, key: string): OpackValue | undefined {
  expect(message.content).toBeInstanceOf(Map);
  return (message.content as Map<OpackValue, OpackValue>).get(key);
}

/** `_tiStart`, and the session the device answered with. */
async function startTextInput(client: TestClient): Promise<RtiSession> {
  const answer = await client.request("_tiStart");
  const tiD = field(answer, "_tiD");
  expect(tiD).toBeInstanceOf(Uint8Array);
  return decodeRtiSession(tiD as Uint8Array);
}

function textChange(client: TestClient, tiD: OpackEncodable): void {
  client.send(MessageType.Event, "_tiC", { _tiV: 1, _tiD: tiD });
}

/** A request answered after every message sent before it has been handled. */
async function settled(client: TestClient): Promise<void> {
  expect((await client.request("FetchAttentionState")).error).toBeUndefined();
}

describe("FakeCompanionDevice keyboard", () => {
  it("answers _tiStart with a session holding the current text, new for each start", async () => {
    device.state.setText("hello");
    const client = await verifiedClient();
    const first = await startTextInput(client);
    expect(first.text).toBe("hello");
    expect(first.sessionUuid).toHaveLength(16);
    const second = await startTextInput(await verifiedClient());
    expect(Buffer.from(second.sessionUuid).equals(first.sessionUuid)).toBe(false);
  });

  it("clears and appends text on _tiC for the client's session, emitting each change", async () => {
    device.state.setText("old");
    const seen: FakeCompanionEvent[] = [];
    device.onEvent((event) => seen.push(event));
    const client = await verifiedClient();
    const { sessionUuid } = await startTextInput(client);
    textChange(client, encodeRtiClearText(sessionUuid));
    textChange(client, encodeRtiInputText(sessionUuid, "abc"));
    textChange(client, encodeRtiInputText(sessionUuid, "de"));
    await settled(client);
    expect(device.state.text).toBe("abcde");
    expect(seen).toEqual([
      { kind: "text", text: "" },
      { kind: "text", text: "abc" },
      { kind: "text", text: "abcde" },
    ]);
    expect((await startTextInput(client)).text).toBe("abcde");
  });

  it("ignores _tiC for another session, another client's session, or after _tiStop", async () => {
    device.state.setText("keep");
    const client = await verifiedClient();
    const other = await verifiedClient();
    const { sessionUuid } = await startTextInput(client);
    await startTextInput(other);
    textChange(client, encodeRtiInputText(new Uint8Array(randomBytes(16)), "x"));
    textChange(other, encodeRtiInputText(sessionUuid, "y"));
    await settled(client);
    await settled(other);
    expect(device.state.text).toBe("keep");
    expect((await client.request("_tiStop")).error).toBeUndefined();
    textChange(client, encodeRtiClearText(sessionUuid));
    await settled(client);
    expect(device.state.text).toBe("keep");
  });

  it("tells clients that started text input when focus goes and comes back", async () => {
    const seen: FakeCompanionEvent[] = [];
    device.onEvent((event) => seen.push(event));
    const rti = await verifiedClient();
    const bystander = await verifiedClient();
    const before = await startTextInput(rti);

    device.state.setTextFocus(false);
    const stopped = await rti.nextEvent();
    expect(stopped.identifier).toBe("_tiStopped");
    expect(stopped.content).toEqual(new Map());
    // Unfocused: _tiStart answers without a session, and the old one is gone.
    expect((await rti.request("_tiStart")).content).toEqual(new Map());
    textChange(rti, encodeRtiInputText(before.sessionUuid, "lost"));
    await settled(rti);
    expect(device.state.text).toBe("");

    device.state.setText("typed");
    device.state.setTextFocus(true);
    const started = await rti.nextEvent();
    expect(started.identifier).toBe("_tiStarted");
    const session = decodeRtiSession(field(started, "_tiD") as Uint8Array);
    expect(session.text).toBe("typed");
    textChange(rti, encodeRtiInputText(session.sessionUuid, "!"));
    await settled(rti);
    expect(device.state.text).toBe("typed!");

    await settled(bystander);
    expect(bystander.events).toEqual([]);
    expect(seen).toEqual([
      { kind: "keyboard_focus", focused: false },
      { kind: "text", text: "typed" },
      { kind: "keyboard_focus", focused: true },
      { kind: "text", text: "typed!" },
    ]);
  });

  it("ignores garbled _tiC and keeps serving the client", async () => {
    device.state.setText("safe");
    const client = await verifiedClient();
    const { sessionUuid } = await startTextInput(client);
    client.send(MessageType.Event, "_tiC", {});
    client.send(MessageType.Event, "_tiC", { _tiD: "not data" });
    textChange(client, Uint8Array.of(1, 2, 3));
    await settled(client);
    expect(device.state.text).toBe("safe");
    const seeds = [encodeRtiClearText(sessionUuid), encodeRtiInputText(sessionUuid, "zz")];
    for (const garbled of fc.sample(mutatedFrom(seeds), { numRuns: 100, seed: 3 })) {
      textChange(client, garbled);
    }
    await settled(client);
    expect(device.state.connectionCount).toBe(1);
    textChange(client, encodeRtiClearText(sessionUuid));
    await settled(client);
    expect(device.state.text).toBe("");
  });

  it("stops and starts interest in events with _interest", async () => {
    const client = await verifiedClient();
    client.send(MessageType.Event, "_interest", { _regEvents: ["_iMC"] });
    expect((await client.nextEvent()).identifier).toBe("_iMC");
    client.send(MessageType.Event, "_interest", { _deregEvents: ["_iMC"] });
    await settled(client);
    device.state.setVolume(30);
    await settled(client);
    expect(client.events).toEqual([]);
  });
});
