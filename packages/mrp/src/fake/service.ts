// One client connection to the fake device: framing, encryption after pair-verify, and
// the device's answer to each message (after pyatv's tests/fake_device/mrp.py). Anything
// a device would not accept (a bad frame, a bad tag, an undecodable message) closes the
// connection; nothing after it is acted on.

import type { Logger } from "@atv/interface";
import { type HidKeyName, hidKeyName } from "../hid-keys.js";
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
import { StreamTransport } from "../stream-transport.js";
import type { MrpTransport } from "../transport.js";
import { ButtonTracker } from "./button-tracker.js";
import { playbackQueueResponseMessage } from "./now-playing.js";
import { type FakeDeviceIdentity, PairingResponder } from "./pairing-responder.js";
import type { FakeButtonAction, FakeMrpState } from "./state.js";
import {
  steppedVolume,
  volumeControlAvailabilityMessage,
  volumeDidChangeMessage,
} from "./volume.js";

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
  readonly #transport: MrpTransport;
  readonly #onClosed: (() => void) | undefined;
  readonly #state: FakeMrpState;
  readonly #config: FakeMrpDeviceConfig;
  readonly #logger: Logger;
  readonly #pairing: PairingResponder;
  readonly #buttons: ButtonTracker;
  readonly #unregister: () => void;
  #verified = false;
  #closed = false;
  /** The client asked for now-playing updates (CLIENT_UPDATES_CONFIG). */
  #wantsUpdates = false;
  /** The client sent its DEVICE_INFO, so it hears DEVICE_INFO_UPDATEs. */
  #introduced = false;
  /** The last key the ButtonTracker reported: home held opens the sleep menu. */
  #lastKey: { key: HidKeyName; action: FakeButtonAction } | undefined;
  readonly #volumeKeysDown = new Set<HidKeyName>();

  /** Serves one client over `transport` (a TCP stream, or the AirPlay tunnel's data stream). */
  constructor(
    transport: MrpTransport,
    state: FakeMrpState,
    config: FakeMrpDeviceConfig,
    onClosed?: () => void,
  ) {
    this.#transport = transport;
    this.#onClosed = onClosed;
    this.#state = state;
    this.#config = config;
    this.#logger = config.logger;
    this.#pairing = new PairingResponder(config, state);
    this.#buttons = new ButtonTracker((key, action) => this.#keyReported(key, action), {
      doubleTapWindow: config.doubleTapWindow,
    });
    this.#unregister = state.addConnection({
      drop: () => this.close(),
      sendUpdate: (message) => this.sendUpdate(message),
      sendDeviceInfoUpdate: () => this.sendDeviceInfoUpdate(),
    });
    transport.setReceiver({
      message: (payload) => this.#receive(payload),
      closed: (error) => {
        if (error) this.#logger.debug("fake mrp: connection ended: %s", error.message);
        this.close();
      },
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Ends the connection; a tap still waiting for a possible second one is recorded. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unregister();
    this.#transport.close();
    this.#buttons.flush();
    this.#onClosed?.();
  }

  /** Writes raw bytes to the client (tests inject garbage and corrupted frames so). */
  writeRaw(bytes: Uint8Array): void {
    if (!this.#closed && this.#transport instanceof StreamTransport) {
      this.#transport.writeRaw(bytes);
    }
  }

  send(message: ProtocolMessage): void {
    if (this.#closed || this.#transport.closed) return;
    // Answers to requests that arrived together leave together (the transport batches).
    this.#transport.send(encodeProtocolMessage(message));
  }

  /** Sends a now-playing update, if the client asked for updates. */
  sendUpdate(message: ProtocolMessage): void {
    if (this.#wantsUpdates) this.send(message);
  }

  /** Sends a DEVICE_INFO_UPDATE as the device is now, if the client introduced itself. */
  sendDeviceInfoUpdate(): void {
    if (this.#introduced) this.send(this.#describeDevice(true));
  }

  /** Sends `message` with one bit of its sealed form flipped (a forged or damaged frame). */
  sendTampered(message: ProtocolMessage): void {
    if (this.#closed || !(this.#transport instanceof StreamTransport)) return;
    const data = this.#transport.seal(encodeProtocolMessage(message));
    data[0] = (data[0] ?? 0) ^ 0x01;
    this.#transport.writeFrame(data);
  }

  // A message that cannot be decoded throws to the transport, which hangs up as a
  // device does on input it cannot read.
  #receive(payload: Uint8Array): void {
    if (this.#closed) return;
    this.#handle(decodeProtocolMessage(payload));
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
        this.#sendVolumeState();
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
      case MessageType.PLAYBACK_QUEUE_REQUEST_MESSAGE:
        this.#playbackQueueRequest(message);
        return;
      case MessageType.WAKE_DEVICE_MESSAGE:
        this.#buttons.flush();
        this.#state.recordCommand("turn_on");
        if (!this.#closed) this.send(commandResultMessage(message.identifier ?? ""));
        this.#state.changePower(true);
        return;
      case MessageType.SET_VOLUME_MESSAGE:
        this.#setVolume(message);
        return;
      case MessageType.MODIFY_OUTPUT_CONTEXT_REQUEST_MESSAGE:
        this.#modifyOutputContext(message);
        return;
      default:
        this.#logger.debug("fake mrp: no handler for %s", messageTypeName(type));
    }
  }

  #deviceInfo(message: ProtocolMessage): void {
    this.#state.clientInfo = message.deviceInfoMessage ?? undefined;
    this.#introduced = true;
    const reply = this.#describeDevice(false);
    if (message.identifier) reply.identifier = message.identifier;
    this.send(reply);
  }

  /** The device's DEVICE_INFO (or _UPDATE) as it is now: power, group and cluster. */
  #describeDevice(update: boolean): ProtocolMessage {
    const uid = this.#config.uniqueIdentifier;
    const { poweredOn, outputDevices, clusterId } = this.#state;
    return deviceInfoMessage({
      name: this.#config.name,
      uniqueIdentifier: uid,
      systemBuildVersion: this.#config.buildNumber,
      update,
      // As a device describes itself (pyatv's mrp/server_auth.py and fake device).
      overrides: {
        applicationBundleIdentifier: "com.apple.mediaremoted",
        applicationBundleVersion: undefined,
        localizedModelName: "Apple TV",
        lastSupportedMessageType: 77,
        deviceClass: DeviceClass.AppleTV,
        deviceUID: uid,
        modelID: this.#config.model,
        // No logical device while asleep (pyatv's fake device).
        logicalDeviceCount: poweredOn ? 1 : 0,
        // It leads the group it plays on, and only relays for it when not part of it.
        isGroupLeader: outputDevices.length > 0,
        isProxyGroupPlayer: outputDevices.length > 0 && !outputDevices.includes(uid),
        // Named as pyatv's fake names them: "Device " and the UID's first two characters.
        groupedDevices: outputDevices
          .filter((device) => device !== uid)
          .map((device) => ({ name: `Device ${device.slice(0, 2)}`, deviceUID: device })),
        ...(clusterId === undefined ? {} : { clusterID: clusterId }),
      },
    });
  }

  /**
   * What volume control the device offers and, where it has control, the volume: sent as
   * a client asks for updates (pyatv's fake leaves this to its use cases).
   */
  #sendVolumeState(): void {
    const { volumeControl, volumeUid, volume } = this.#state;
    this.send(volumeControlAvailabilityMessage(volumeControl));
    if (volumeControl.available) this.send(volumeDidChangeMessage(volumeUid, volume));
  }

  /**
   * A level out of range is ignored (pyatv's fake). The only answer is the VOLUME_DID_CHANGE
   * that follows (pyatv's fake also acknowledges; clients do not wait for that).
   */
  #setVolume(message: ProtocolMessage): void {
    const request = message.setVolumeMessage;
    const uid = request?.outputDeviceUID;
    const volume = request?.volume;
    if (!uid || typeof volume !== "number") {
      this.#logger.debug("fake mrp: SET_VOLUME without device or level ignored");
      return;
    }
    this.#state.changeVolume(uid, volume);
  }

  #modifyOutputContext(message: ProtocolMessage): void {
    const request = message.modifyOutputContextRequestMessage;
    // As pyatv's fake: an empty list changes nothing (an empty set cannot be told apart).
    const changes = [
      ["add", request?.addingDevices],
      ["remove", request?.removingDevices],
      ["set", request?.settingDevices],
    ] as const;
    for (const [change, uids] of changes) {
      if (uids && uids.length > 0) this.#state.changeOutputDevices(change, uids);
    }
  }

  /** What the device makes of a key's presses, as the ButtonTracker tells them. */
  #keyReported(key: HidKeyName, action: FakeButtonAction): void {
    if (BUTTONS.has(key)) this.#state.recordButton(key, action);
    else this.#state.recordCommand(key);
    // Holding home opens a menu whose first entry, Sleep, is selected by the next select
    // (pyatv's fake device turns off on select after home).
    const sleepMenuOpen = this.#lastKey?.key === "home" && this.#lastKey.action === "hold";
    this.#lastKey = { key, action };
    if (key === "select" && sleepMenuOpen) {
      this.#state.recordCommand("turn_off");
      this.#state.changePower(false);
    }
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
      this.#transport.enableEncryption(reply.sessionKeys.outputKey, reply.sessionKeys.inputKey);
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
    if (key === "volume_up" || key === "volume_down") {
      this.#volumeKey(key, event.down);
      return;
    }
    const known = event.down ? this.#buttons.press(key) : this.#buttons.release(key);
    if (!known) this.#logger.debug("fake mrp: HID %s %s out of order", key, event.down);
  }

  /**
   * A volume key steps the volume (by 0.05, as pyatv's fake) on release, at once: two
   * quick presses are two steps, not a double tap. At either end nothing changes.
   */
  #volumeKey(key: "volume_up" | "volume_down", down: boolean): void {
    if (down) {
      // A tap still waiting for a possible second one happened first.
      this.#buttons.flush();
      if (this.#volumeKeysDown.has(key)) this.#logger.debug("fake mrp: HID %s down twice", key);
      this.#volumeKeysDown.add(key);
      return;
    }
    if (!this.#volumeKeysDown.delete(key)) {
      this.#logger.debug("fake mrp: HID %s released without a press", key);
      return;
    }
    this.#state.recordCommand(key);
    const state = this.#state;
    const volume = steppedVolume(state.volume, key === "volume_up" ? 1 : -1);
    if (volume !== state.volume) state.changeVolume(state.volumeUid, volume);
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
    // The new state goes out before the result, so a client that awaited the command
    // already sees what it did.
    this.#state.followCommand(name, options);
    // A test may have dropped the connection on hearing the command: no answer then.
    if (!this.#closed) this.send(commandResultMessage(identifier));
  }

  /** Artwork is asked for so: the answer carries the active app's artwork, if any. */
  #playbackQueueRequest(message: ProtocolMessage): void {
    this.#state.recordPlaybackQueueRequest(message.playbackQueueRequestMessage ?? {});
    const nowPlaying = this.#state.nowPlaying;
    const app = nowPlaying.activeApp;
    const state = app === undefined ? undefined : nowPlaying.stateOf(app);
    this.send(playbackQueueResponseMessage(message.identifier ?? undefined, state));
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
