// One client connection to the fake device: framing, encryption after pair-verify, and
// the device's answer to each message (after pyatv's tests/fake_device/mrp.py). Anything
// a device would not accept (a bad frame, a bad tag, an undecodable message) closes the
// connection; nothing after it is acted on.

import type { Socket } from "node:net";
import { HapSession } from "@atv/hap";
import type { Logger } from "@atv/interface";
import { encodeFrame, FrameDecoder } from "../framing.js";
import { hidKeyName } from "../hid-keys.js";
import {
  Command,
  DeviceClass,
  ErrorCode,
  MessageType,
  SendError,
} from "../protobuf/generated/enums.js";
import { decodeHidEvent } from "../protobuf/hid-event.js";
import {
  commandResultMessage,
  createMessage,
  cryptoPairingMessage,
  decodeProtocolMessage,
  deviceInfoMessage,
  encodeProtocolMessage,
} from "../protobuf/messages.js";
import { messageTypeName, payloadOf } from "../protobuf/payloads.js";
import type { ProtocolMessage } from "../protobuf/types.js";
import { ButtonTracker } from "./button-tracker.js";
import { type FakeDeviceIdentity, PairingResponder } from "./pairing-responder.js";
import type { FakeMrpState } from "./state.js";

export interface FakeMrpDeviceConfig extends FakeDeviceIdentity {
  readonly name: string;
  readonly buildNumber: string;
  readonly model: string;
  /** Refuse everything but DEVICE_INFO and pairing until the client passed pair-verify. */
  readonly requirePairing: boolean;
  readonly doubleTapWindow: number;
  readonly logger: Logger;
}

// Command names as the CLIs spell them (pyatv's command names).
const COMMAND_NAMES = new Map<number, string>([
  [Command.Play, "play"],
  [Command.Pause, "pause"],
  [Command.TogglePlayPause, "play_pause"],
  [Command.Stop, "stop"],
  [Command.NextTrack, "next"],
  [Command.PreviousTrack, "previous"],
  [Command.SkipForward, "skip_forward"],
  [Command.SkipBackward, "skip_backward"],
  [Command.SeekToPlaybackPosition, "set_position"],
  [Command.ChangeShuffleMode, "set_shuffle"],
  [Command.ChangeRepeatMode, "set_repeat"],
]);

// Keys that are buttons with an input action; other HID keys (volume, power, transport)
// are commands.
const BUTTONS = new Set(["up", "down", "left", "right", "select", "menu", "home", "top_menu"]);

// What a client may send before pair-verify when pairing is required.
const ALWAYS_ALLOWED = new Set<number>([
  MessageType.DEVICE_INFO_MESSAGE,
  MessageType.CRYPTO_PAIRING_MESSAGE,
]);

export class FakeMrpConnection {
  readonly #socket: Socket;
  readonly #state: FakeMrpState;
  readonly #config: FakeMrpDeviceConfig;
  readonly #logger: Logger;
  readonly #decoder = new FrameDecoder();
  readonly #pairing: PairingResponder;
  readonly #buttons: ButtonTracker;
  readonly #unregister: () => void;
  #session: HapSession | undefined;
  #verified = false;
  #closed = false;
  #corked = false;
  /** The client asked for now-playing updates (CLIENT_UPDATES_CONFIG). */
  #wantsUpdates = false;

  constructor(socket: Socket, state: FakeMrpState, config: FakeMrpDeviceConfig) {
    this.#socket = socket;
    this.#state = state;
    this.#config = config;
    this.#logger = config.logger;
    this.#pairing = new PairingResponder(config, state);
    this.#buttons = new ButtonTracker(
      (key, action) => {
        if (BUTTONS.has(key)) state.recordButton(key, action);
        else state.recordCommand(key);
      },
      { doubleTapWindow: config.doubleTapWindow },
    );
    this.#unregister = state.addConnection({ drop: () => this.close() });
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.#receive(chunk));
    socket.on("error", (error) => this.#logger.debug("fake mrp: socket error: %s", error.message));
    socket.on("close", () => this.close());
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Ends the connection; a tap still waiting for a possible second one is recorded. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unregister();
    this.#socket.destroy();
    this.#buttons.flush();
  }

  /** Writes raw bytes to the client (tests inject garbage and corrupted frames so). */
  writeRaw(bytes: Uint8Array): void {
    if (!this.#closed) this.#socket.write(bytes);
  }

  send(message: ProtocolMessage): void {
    if (this.#closed) return;
    const payload = encodeProtocolMessage(message);
    const data = this.#session ? this.#session.encrypt(payload) : payload;
    if (!this.#corked) {
      // Answers to requests that arrived together leave together.
      this.#corked = true;
      this.#socket.cork();
      process.nextTick(() => {
        this.#corked = false;
        this.#socket.uncork();
      });
    }
    this.#socket.write(encodeFrame(data));
  }

  /** Sends a now-playing update, if the client asked for updates. */
  sendUpdate(message: ProtocolMessage): void {
    if (this.#wantsUpdates) this.send(message);
  }

  /** Sends `message` with one bit of its sealed form flipped (a forged or damaged frame). */
  sendTampered(message: ProtocolMessage): void {
    if (this.#closed) return;
    const payload = encodeProtocolMessage(message);
    const data = this.#session ? this.#session.encrypt(payload) : payload.slice();
    data[0] = (data[0] ?? 0) ^ 0x01;
    this.#socket.write(encodeFrame(data));
  }

  #receive(chunk: Buffer): void {
    if (this.#closed) return;
    try {
      for (const frame of this.#decoder.push(chunk)) {
        const plain = this.#session ? this.#session.decrypt(frame) : frame;
        this.#handle(decodeProtocolMessage(plain));
        if (this.#closed) return;
      }
    } catch (error) {
      // What a device does with input it cannot read: it hangs up.
      this.#logger.debug("fake mrp: closing connection: %o", error);
      this.close();
    }
  }

  #handle(message: ProtocolMessage): void {
    const type = message.type ?? MessageType.UNKNOWN_MESSAGE;
    this.#logger.debug("fake mrp << %s", messageTypeName(type));
    if (this.#config.requirePairing && !this.#verified && !ALWAYS_ALLOWED.has(type)) {
      this.#refuseUnpaired(message);
      return;
    }
    switch (type) {
      case MessageType.DEVICE_INFO_MESSAGE:
        this.#deviceInfo(message);
        return;
      case MessageType.CRYPTO_PAIRING_MESSAGE:
        this.#cryptoPairing(message);
        return;
      case MessageType.SET_CONNECTION_STATE_MESSAGE:
        this.#state.connectionState = message.setConnectionStateMessage?.state ?? undefined;
        return;
      case MessageType.CLIENT_UPDATES_CONFIG_MESSAGE:
        this.#acknowledge(message, MessageType.UNKNOWN_MESSAGE);
        // From now on the client hears what is playing, starting with the current state.
        this.#wantsUpdates = true;
        for (const update of this.#state.nowPlaying.currentMessages()) this.send(update);
        return;
      case MessageType.GET_KEYBOARD_SESSION_MESSAGE:
        this.#acknowledge(message, MessageType.KEYBOARD_MESSAGE);
        return;
      case MessageType.GENERIC_MESSAGE:
        // pyatv's heartbeat and flush after key presses.
        this.#state.heartbeatCount++;
        if (this.#state.answerHeartbeats) this.#acknowledge(message, MessageType.UNKNOWN_MESSAGE);
        return;
      case MessageType.SEND_HID_EVENT_MESSAGE:
        this.#hidEvent(message);
        return;
      case MessageType.SEND_COMMAND_MESSAGE:
        this.#command(message);
        return;
      case MessageType.WAKE_DEVICE_MESSAGE:
        this.#buttons.flush();
        this.#state.recordCommand("turn_on");
        if (!this.#closed) this.send(commandResultMessage(message.identifier ?? ""));
        return;
      default:
        this.#logger.debug("fake mrp: no handler for %s", messageTypeName(type));
    }
  }

  #deviceInfo(message: ProtocolMessage): void {
    this.#state.clientInfo = message.deviceInfoMessage ?? undefined;
    const reply = deviceInfoMessage({
      name: this.#config.name,
      uniqueIdentifier: this.#config.uniqueIdentifier,
      systemBuildVersion: this.#config.buildNumber,
      // As a device describes itself (pyatv's mrp/server_auth.py and fake device).
      overrides: {
        applicationBundleIdentifier: "com.apple.mediaremoted",
        applicationBundleVersion: undefined,
        localizedModelName: "Apple TV",
        lastSupportedMessageType: 77,
        deviceClass: DeviceClass.AppleTV,
        deviceUID: this.#config.uniqueIdentifier,
        modelID: this.#config.model,
      },
    });
    if (message.identifier) reply.identifier = message.identifier;
    this.send(reply);
  }

  #cryptoPairing(message: ProtocolMessage): void {
    const data = payloadOf(message, MessageType.CRYPTO_PAIRING_MESSAGE)?.pairingData;
    if (!data) {
      this.close();
      return;
    }
    const reply = this.#pairing.handle(data);
    this.send(cryptoPairingMessage(reply.data));
    if (reply.sessionKeys) {
      // Everything after a successful pair-verify is encrypted, both ways.
      this.#session = new HapSession(reply.sessionKeys.outputKey, reply.sessionKeys.inputKey);
      this.#verified = true;
    }
  }

  #hidEvent(message: ProtocolMessage): void {
    const data = message.sendHIDEventMessage?.hidEventData;
    const event = data ? decodeHidEvent(data) : undefined;
    const key = event ? hidKeyName(event.usagePage, event.usage) : undefined;
    if (event === undefined || key === undefined) {
      this.#logger.debug("fake mrp: unknown HID event ignored");
      return;
    }
    const known = event.down ? this.#buttons.press(key) : this.#buttons.release(key);
    if (!known) this.#logger.debug("fake mrp: HID %s %s out of order", key, event.down);
  }

  #command(message: ProtocolMessage): void {
    const identifier = message.identifier ?? "";
    const command = message.sendCommandMessage?.command ?? Command.Unknown;
    this.#buttons.flush();
    const failure = this.#state.takeCommandFailure();
    if (failure) {
      this.send(commandResultMessage(identifier, failure));
      return;
    }
    const name = COMMAND_NAMES.get(command);
    if (name === undefined) {
      // pyatv's fake device: a command nobody handles.
      this.send(commandResultMessage(identifier, { sendError: SendError.NoCommandHandlers }));
      return;
    }
    const options = message.sendCommandMessage?.options ?? undefined;
    this.#state.recordCommand(name, options);
    // A test may have dropped the connection on hearing the command: no answer then.
    if (!this.#closed) this.send(commandResultMessage(identifier));
  }

  #acknowledge(message: ProtocolMessage, type: MessageType): void {
    if (message.identifier) this.send(createMessage(type, { identifier: message.identifier }));
  }

  /**
   * A client that has not passed pair-verify on a device requiring pairing: its requests
   * are answered with the error code TheDeviceIsNotPaired and not acted on (atv's choice;
   * pyatv's fake device never requires pairing).
   */
  #refuseUnpaired(message: ProtocolMessage): void {
    this.#logger.debug("fake mrp: refused %s (not paired)", messageTypeName(message.type));
    if (!message.identifier) return;
    const type =
      message.type === MessageType.SEND_COMMAND_MESSAGE
        ? MessageType.SEND_COMMAND_RESULT_MESSAGE
        : MessageType.UNKNOWN_MESSAGE;
    this.send(
      createMessage(type, {
        identifier: message.identifier,
        errorCode: ErrorCode.TheDeviceIsNotPaired,
      }),
    );
  }
}
