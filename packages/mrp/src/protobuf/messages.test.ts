import { readdirSync, readFileSync } from "node:fs";
import { ProtocolError } from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Command,
  ConnectionState,
  ContentMediaType,
  HandlerReturnStatus,
  MessageType,
  PlaybackState,
  RepeatMode,
  SendError,
  ShuffleMode,
} from "./generated/enums.js";
import { decodeHidEvent, encodeHidEvent, HID_EVENT_DATA_LENGTH } from "./hid-event.js";
import {
  changeRepeatModeMessage,
  changeShuffleModeMessage,
  clientUpdatesConfigMessage,
  commandResultMessage,
  createMessage,
  cryptoPairingMessage,
  decodeProtocolMessage,
  deviceInfoMessage,
  encodeProtocolMessage,
  genericMessage,
  getKeyboardSessionMessage,
  getVolumeMessage,
  modifyOutputContextMessage,
  playbackQueueRequestMessage,
  seekToPositionMessage,
  sendButtonEventMessage,
  sendCommandMessage,
  sendHidEventMessage,
  setConnectionStateMessage,
  setVolumeMessage,
  wakeDeviceMessage,
} from "./messages.js";
import { messageTypeName, PAYLOAD_FIELDS, payloadFieldOf, payloadOf } from "./payloads.js";
import type { ProtocolMessage } from "./types.js";

const hex = (text: string) => Uint8Array.from(Buffer.from(text, "hex"));
const toHex = (data: Uint8Array) => Buffer.from(data).toString("hex");

/**
 * A message as plain data: no class instances, byte fields as hex, and no empty lists
 * (decoding gives every repeated field an own empty list; on the wire, empty = absent).
 */
function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return `hex:${toHex(value)}`;
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, inner]) => !(Array.isArray(inner) && inner.length === 0))
        .map(([key, inner]) => [key, plain(inner)]),
    );
  }
  return value;
}

function roundTrip(message: ProtocolMessage): ProtocolMessage {
  return decodeProtocolMessage(encodeProtocolMessage(message));
}

const UPPER_UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/;

// Every builder, with arguments away from the defaults where they have any.
const BUILT: Record<string, () => ProtocolMessage> = {
  createMessage: () => createMessage(MessageType.GET_STATE_MESSAGE, { identifier: "ID-1" }),
  deviceInfoMessage: () =>
    deviceInfoMessage({ name: "atv", uniqueIdentifier: "5D7E5A3F-0000", update: true }),
  cryptoPairingMessage: () => cryptoPairingMessage(hex("000100060101"), { isPairing: true }),
  setConnectionStateMessage: () => setConnectionStateMessage(),
  clientUpdatesConfigMessage: () => clientUpdatesConfigMessage({ nowPlaying: true }),
  getKeyboardSessionMessage: () => getKeyboardSessionMessage(),
  genericMessage: () => genericMessage(),
  wakeDeviceMessage: () => wakeDeviceMessage(),
  sendCommandMessage: () => sendCommandMessage(Command.SkipForward, { skipInterval: 15 }),
  seekToPositionMessage: () => seekToPositionMessage(123.25),
  changeRepeatModeMessage: () => changeRepeatModeMessage(RepeatMode.All),
  changeShuffleModeMessage: () => changeShuffleModeMessage(ShuffleMode.Songs),
  commandResultMessage: () =>
    commandResultMessage("REQ-7", { sendError: SendError.NoCommandHandlers }),
  sendHidEventMessage: () => sendHidEventMessage(1, 0x8b, true),
  sendButtonEventMessage: () => sendButtonEventMessage(12, 0x40, false),
  setVolumeMessage: () => setVolumeMessage("DEVICE-UID", 0.5),
  getVolumeMessage: () => getVolumeMessage("DEVICE-UID"),
  playbackQueueRequestMessage: () =>
    playbackQueueRequestMessage({ location: 2, width: 600, height: 300 }),
  modifyOutputContextMessage: () => modifyOutputContextMessage("add", ["A", "B"]),
};

describe("builders", () => {
  it.each(Object.entries(BUILT))("%s survives an encode/decode round trip", (_, build) => {
    const message = build();
    expect(plain(roundTrip(message))).toEqual(plain(message));
  });

  it("give every message a fresh upper-case uniqueIdentifier and NoError", () => {
    const first = genericMessage();
    const second = genericMessage();
    expect(first.uniqueIdentifier).toMatch(UPPER_UUID);
    expect(second.uniqueIdentifier).not.toBe(first.uniqueIdentifier);
    expect(first.errorCode).toBe(0);
    expect(first.identifier).toBeUndefined();
  });

  it("describe the client as pyatv does in DEVICE_INFO", () => {
    const message = deviceInfoMessage({ name: "Living room remote", uniqueIdentifier: "ID" });
    expect(message.type).toBe(MessageType.DEVICE_INFO_MESSAGE);
    expect(payloadOf(message, MessageType.DEVICE_INFO_MESSAGE)).toEqual({
      allowsPairing: true,
      applicationBundleIdentifier: "com.apple.TVRemote",
      applicationBundleVersion: "344.28",
      lastSupportedMessageType: 108,
      localizedModelName: "iPhone",
      name: "Living room remote",
      protocolVersion: 1,
      sharedQueueVersion: 2,
      supportsACL: true,
      supportsExtendedMotion: true,
      supportsSharedQueue: true,
      supportsSystemPairing: true,
      systemBuildVersion: "18G82",
      systemMediaApplication: "com.apple.TVMusic",
      uniqueIdentifier: "ID",
      deviceClass: 1,
      logicalDeviceCount: 1,
    });
  });

  it("let a device describe itself through overrides", () => {
    const message = deviceInfoMessage({
      name: "Fake TV",
      uniqueIdentifier: "ID",
      overrides: { localizedModelName: "Apple TV", deviceClass: 4, logicalDeviceCount: 0 },
    });
    const info = roundTrip(message).deviceInfoMessage;
    expect(info?.localizedModelName).toBe("Apple TV");
    expect(info?.logicalDeviceCount).toBe(0);
  });

  it("set the crypto pairing state as pyatv does", () => {
    const verify = cryptoPairingMessage(hex("0601"));
    expect(verify.cryptoPairingMessage).toEqual({
      pairingData: hex("0601"),
      status: 0,
      isRetrying: false,
      isUsingSystemPairing: false,
      state: 0,
    });
    expect(cryptoPairingMessage(hex("0601"), { isPairing: true }).cryptoPairingMessage?.state).toBe(
      2,
    );
    expect(
      cryptoPairingMessage(hex("0601"), { state: 5, isRetrying: true }).cryptoPairingMessage,
    ).toMatchObject({ state: 5, isRetrying: true });
  });

  it("subscribe to pyatv's default set of updates", () => {
    expect(clientUpdatesConfigMessage().clientUpdatesConfigMessage).toEqual({
      artworkUpdates: true,
      nowPlayingUpdates: false,
      volumeUpdates: true,
      keyboardUpdates: true,
      outputDeviceUpdates: true,
    });
  });

  it("send commands with their options", () => {
    expect(sendCommandMessage(Command.Play).sendCommandMessage).toEqual({ command: Command.Play });
    expect(changeRepeatModeMessage(RepeatMode.One).sendCommandMessage).toEqual({
      command: Command.ChangeRepeatMode,
      options: { sendOptions: 0, repeatMode: RepeatMode.One },
    });
    expect(seekToPositionMessage(42).sendCommandMessage).toEqual({
      command: Command.SeekToPlaybackPosition,
      options: { playbackPosition: 42 },
    });
  });

  it("request one playback queue item with pyatv's artwork defaults", () => {
    expect(playbackQueueRequestMessage({ location: 0 }).playbackQueueRequestMessage).toEqual({
      location: 0,
      length: 1,
      artworkWidth: -1,
      artworkHeight: 400,
      returnContentItemAssetsInUserCompletion: true,
    });
  });

  it("fill each output device list together with its cluster-aware twin", () => {
    const remove = modifyOutputContextMessage("remove", ["X"]).modifyOutputContextRequestMessage;
    expect(remove).toEqual({ type: 1, removingDevices: ["X"], clusterAwareRemovingDevices: ["X"] });
    const set = modifyOutputContextMessage("set", ["Y", "Z"]).modifyOutputContextRequestMessage;
    expect(set).toEqual({
      type: 1,
      settingDevices: ["Y", "Z"],
      clusterAwareSettingDevices: ["Y", "Z"],
    });
  });

  it("answer commands with the request's identifier", () => {
    const result = roundTrip(commandResultMessage("REQ-1"));
    expect(result.identifier).toBe("REQ-1");
    expect(plain(payloadOf(result, MessageType.SEND_COMMAND_RESULT_MESSAGE))).toEqual({
      sendError: SendError.NoError,
      handlerReturnStatus: HandlerReturnStatus.Success,
    });
  });
});

describe("known bytes", () => {
  it("encodes SET_CONNECTION_STATE field by field in field-number order", () => {
    const message = setConnectionStateMessage(ConnectionState.Connected);
    message.uniqueIdentifier = "U";
    // type=38, errorCode=0, extension 42 { state=2 }, uniqueIdentifier (85) = "U"
    expect(toHex(encodeProtocolMessage(message))).toBe("0826" + "2000" + "d202020802" + "aa050155");
  });

  it("puts the HID key in the event data where pyatv does", () => {
    // The layout documented in pyatv's SendHIDEventMessage.proto, for "left" pressed.
    const expected =
      "438922cf0802000000000000000000000100000000000000020000002000000003000000010000000000" +
      "00" +
      "0001008b0001" +
      "0000000000000001000000";
    const data = encodeHidEvent({ usagePage: 1, usage: 0x8b, down: true });
    expect(toHex(data)).toBe(expected);
    expect(data.length).toBe(HID_EVENT_DATA_LENGTH);
    expect(decodeHidEvent(data)).toEqual({ usagePage: 1, usage: 0x8b, down: true });
    expect(decodeHidEvent(encodeHidEvent({ usagePage: 12, usage: 0x40, down: false }))).toEqual({
      usagePage: 12,
      usage: 0x40,
      down: false,
    });
    expect(decodeHidEvent(data.subarray(0, 48))).toBeUndefined();
    expect(() => encodeHidEvent({ usagePage: 0x10000, usage: 1, down: true })).toThrow(RangeError);
  });

  it("decodes a hand-assembled SET_STATE with a content item", () => {
    // metadata { title (1) = "Hi", duration (14) = 2.0 double, iTunesStoreIdentifier (54) =
    // 2^40, mediaType (64) = Video }
    const metadata = ["0a024869", "710000000000000040", "b003808080808020", "800402"].join("");
    const item = `0a0149${nested("12", metadata)}`;
    const queue = `0800${nested("12", item)}`;
    const state = `${nested("1a", queue)}3001`;
    const bytes = hex(`0804${nested("4a", state)}`);

    const message = decodeProtocolMessage(bytes);
    expect(message.type).toBe(MessageType.SET_STATE_MESSAGE);
    const setState = payloadOf(message, MessageType.SET_STATE_MESSAGE);
    expect(setState?.playbackState).toBe(PlaybackState.Playing);
    const decoded = setState?.playbackQueue?.contentItems?.[0];
    expect(decoded?.identifier).toBe("I");
    expect(decoded?.metadata?.title).toBe("Hi");
    expect(decoded?.metadata?.duration).toBe(2);
    expect(decoded?.metadata?.iTunesStoreIdentifier).toBe(2 ** 40);
    expect(decoded?.metadata?.mediaType).toBe(ContentMediaType.Video);
    // Absent fields read as undefined, not as protobuf zero values.
    expect(decoded?.metadata?.albumName).toBeUndefined();
    expect(decoded?.metadata?.elapsedTime).toBeUndefined();
    expect(setState?.playbackQueue?.location).toBe(0);
    expect(message.identifier).toBeUndefined();
    // Absent repeated fields read as empty lists.
    expect(setState?.supportedCommands?.supportedCommands).toBeUndefined();
    expect(decoded?.currentLanguageOptions).toEqual([]);
  });
});

describe("payloads", () => {
  it("gives the payload only for the matching type", () => {
    const message = roundTrip(setVolumeMessage("UID", 0.25));
    expect(plain(payloadOf(message, MessageType.SET_VOLUME_MESSAGE))).toEqual({
      volume: 0.25,
      outputDeviceUID: "UID",
    });
    expect(payloadOf(message, MessageType.GET_VOLUME_MESSAGE)).toBeUndefined();
    expect(payloadOf(genericMessage(), MessageType.GENERIC_MESSAGE)).toBeUndefined();
  });

  it("maps DEVICE_INFO_UPDATE to the device information payload", () => {
    expect(payloadFieldOf(MessageType.DEVICE_INFO_UPDATE_MESSAGE)).toBe("deviceInfoMessage");
    expect(payloadFieldOf(MessageType.SEND_HID_EVENT_MESSAGE)).toBe("sendHIDEventMessage");
    expect(payloadFieldOf(9999)).toBeUndefined();
    expect(payloadFieldOf(MessageType.GET_STATE_MESSAGE)).toBeUndefined();
  });

  it("covers every ProtocolMessage extension declared in the .proto files", () => {
    const protoDir = new URL("../../proto/", import.meta.url);
    const declared = new Set<string>();
    for (const file of readdirSync(protoDir)) {
      const text = readFileSync(new URL(file, protoDir), "utf8");
      for (const block of text.matchAll(/extend ProtocolMessage \{([^}]*)\}/g)) {
        for (const field of block[1]!.matchAll(/optional \w+ (\w+) = \d+;/g)) {
          declared.add(field[1]!);
        }
      }
    }
    expect(declared.size).toBeGreaterThan(40);
    expect(new Set(Object.values(PAYLOAD_FIELDS))).toEqual(declared);
  });

  it("names message types", () => {
    expect(messageTypeName(MessageType.SET_STATE_MESSAGE)).toBe("SET_STATE_MESSAGE");
    expect(messageTypeName(999)).toBe("UNKNOWN_TYPE_999");
    expect(messageTypeName(undefined)).toBe("UNKNOWN_TYPE_none");
  });
});

describe("decodeProtocolMessage", () => {
  it.each([
    ["a truncated varint", "08"],
    ["a length past the end", "1205"],
    ["an invalid wire type", "0f"],
    ["an unterminated group", "0b"],
    ["a nested message past the end", "a2010a"],
  ])("refuses %s with a ProtocolError", (_, bytes) => {
    expect(() => decodeProtocolMessage(hex(bytes))).toThrow(ProtocolError);
    expect(() => decodeProtocolMessage(hex(bytes))).toThrow(/^invalid MRP message/);
  });

  it("refuses device information without the required name", () => {
    // DEVICE_INFO_MESSAGE with extension 20 holding only uniqueIdentifier "X".
    expect(() => decodeProtocolMessage(hex("080f" + "a20103" + "0a0158"))).toThrow(ProtocolError);
  });

  it("refuses nesting deeper than protobufjs allows, without overflowing the stack", () => {
    // DeviceInfoMessage.groupedDevices (28) nested 500 levels deep.
    let inner = hex("1200");
    for (let depth = 0; depth < 500; depth++) {
      const prefix = Buffer.from([0xe2, 0x01, ...varint(inner.length)]);
      inner = Uint8Array.from(Buffer.concat([hex("1200"), prefix, inner]));
    }
    const bytes = Uint8Array.from(
      Buffer.concat([hex("080f"), Buffer.from([0xa2, 0x01, ...varint(inner.length)]), inner]),
    );
    expect(() => decodeProtocolMessage(bytes)).toThrow(ProtocolError);
    expect(() => decodeProtocolMessage(bytes)).toThrow(/max depth exceeded/);
  });

  it("skips unknown fields", () => {
    const message = decodeProtocolMessage(hex("0826" + "f8ff0301"));
    expect(message.type).toBe(MessageType.SET_CONNECTION_STATE_MESSAGE);
    expect(toHex(encodeProtocolMessage(message))).toBe("0826");
  });

  it("never throws anything but ProtocolError on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
        expectOnlyProtocolError(bytes);
      }),
      { numRuns: 3000 },
    );
  });

  it("never throws anything but ProtocolError on mutated valid messages", () => {
    const samples = Object.values(BUILT).map((build) => encodeProtocolMessage(build()));
    fc.assert(
      fc.property(
        fc.constantFrom(...samples),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.nat(),
        (sample, edits, cutAt) => {
          const bytes = Uint8Array.from(sample);
          for (const [position, value] of edits) bytes[position % bytes.length] = value;
          expectOnlyProtocolError(bytes);
          expectOnlyProtocolError(bytes.subarray(0, cutAt % (bytes.length + 1)));
        },
      ),
      { numRuns: 3000 },
    );
  });
});

/** A length-delimited field in hex: tag, one-byte length, contents. */
function nested(tag: string, contents: string): string {
  return `${tag}${(contents.length / 2).toString(16).padStart(2, "0")}${contents}`;
}

function varint(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  out.push(rest);
  return out;
}

function expectOnlyProtocolError(bytes: Uint8Array): void {
  try {
    const message = decodeProtocolMessage(bytes);
    expect(typeof message).toBe("object");
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError);
  }
}
