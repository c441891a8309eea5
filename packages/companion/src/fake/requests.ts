// What a fake Companion device does with each request and event a verified client sends
// over E_OPACK. Identifiers, contents and answers after pyatv's tests/fake_device/
// companion.py and pyatv/protocols/companion/api.py (MIT).

import { randomInt } from "node:crypto";
import { type Logger, ProtocolError, silentLogger } from "@atv/interface";
import {
  type OpackEncodable,
  OpackFloat,
  OpackInt,
  type OpackValue,
  opackInteger,
} from "../opack.js";
import { decodeRtiTextOperations, type RtiTextOperations } from "../rti.js";
import type { FakeCompanionConnectionHandle, FakeCompanionState } from "./state.js";

/** The error domain and codes pyatv's fake device answers with. */
export const FAKE_ERROR_DOMAIN = "RPErrorDomain";
export const FAKE_ERROR_CODE = 1337;
export const NO_REQUEST_HANDLER_CODE = 58822;

/** A request's answer: the response's `_c`, or the `_ec`/`_ed`/`_em` error triple. */
export type FakeRequestOutcome =
  | { readonly content: OpackEncodable }
  | {
      readonly error: { readonly code: number; readonly domain: string; readonly message: string };
    };

export interface FakeDeviceDescription {
  readonly name: string;
  readonly model: string;
  readonly identifier: string;
}

/** One client's view: the events it registered for, and how to send it one. */
export interface FakeClientContext extends FakeCompanionConnectionHandle {
  readonly interests: Set<string>;
}

/** pyatv's `HidCommand` codes → the button names pyatv's fake records. */
const HID_BUTTONS: ReadonlyMap<number, string> = new Map([
  [1, "up"],
  [2, "down"],
  [3, "left"],
  [4, "right"],
  [5, "menu"],
  [6, "select"],
  [7, "home"],
  [8, "volume_up"],
  [9, "volume_down"],
  [10, "siri"],
  [11, "screensaver"],
  [12, "sleep"],
  [13, "wake"],
  [14, "play_pause"],
  [15, "channel_up"],
  [16, "channel_down"],
  [17, "guide"],
  [18, "page_up"],
  [19, "control_center"],
]);
const HID_SLEEP = 12;
const HID_WAKE = 13;
const VOLUME_STEP = 5;

/** pyatv's `MediaControlCommand` codes that only get recorded. */
const MEDIA_COMMANDS: ReadonlyMap<number, string> = new Map([
  [1, "play"],
  [2, "pause"],
  [3, "next"],
  [4, "previous"],
  [8, "fast_forward_begin"],
  [9, "fast_forward_end"],
  [10, "rewind_begin"],
  [11, "rewind_end"],
]);
const MCC_GET_VOLUME = 5;
const MCC_SET_VOLUME = 6;
const MCC_SKIP_BY = 7;

type RequestHandler = (
  content: OpackValue | undefined,
  client: FakeClientContext,
) => FakeRequestOutcome;

/**
 * Answers requests (`_t` 2) by identifier and takes events (`_t` 1). One per connection:
 * the buttons held down are per client, as on pyatv's fake.
 */
export class FakeCompanionRequests {
  readonly #state: FakeCompanionState;
  readonly #device: FakeDeviceDescription;
  readonly #pressed = new Set<number>();
  readonly #handlers: ReadonlyMap<string, RequestHandler>;
  readonly #logger: Logger;

  constructor(state: FakeCompanionState, device: FakeDeviceDescription, logger = silentLogger) {
    this.#state = state;
    this.#device = device;
    this.#logger = logger;
    this.#handlers = new Map<string, RequestHandler>([
      ["_systemInfo", (c) => this.#systemInfo(c)],
      ["_sessionStart", (c) => this.#sessionStart(c)],
      ["_sessionStop", (c) => this.#sessionStop(c)],
      ["_interest", (c, client) => this.#interest(c, client)],
      ["TVRCSessionStart", (c) => ({ content: c ?? {} })],
      ["FetchAttentionState", () => ({ content: { state: this.#state.systemStatus } })],
      ["FetchLaunchableApplicationsEvent", () => ({ content: this.#state.installedApps })],
      ["_launchApp", (c) => this.#launchApp(c)],
      ["FetchUserAccountsEvent", () => ({ content: this.#state.userAccounts })],
      ["SwitchUserAccountEvent", (c) => this.#switchAccount(c)],
      ["_hidC", (c) => this.#hidCommand(c)],
      ["_mcc", (c) => this.#mediaControl(c)],
      ["_touchStart", (c) => this.#touchStart(c)],
      ["_touchStop", () => this.#touchStop()],
      ["_tiStart", (_c, client) => this.#textInputStart(client)],
      ["_tiStop", (_c, client) => this.#textInputStop(client)],
    ]);
  }

  request(
    identifier: string | undefined,
    content: OpackValue | undefined,
    client: FakeClientContext,
  ): FakeRequestOutcome {
    const handler = identifier === undefined ? undefined : this.#handlers.get(identifier);
    if (handler === undefined) {
      return failure("No request handler", NO_REQUEST_HANDLER_CODE);
    }
    return handler(content, client);
  }

  /** Events need no answer; those the device does not know are ignored. */
  event(
    identifier: string | undefined,
    content: OpackValue | undefined,
    client: FakeClientContext,
  ): void {
    if (identifier === "_interest") this.#interest(content, client);
    else if (identifier === "_hidT") this.#touch(content);
    else if (identifier === "_tiC") this.#textInputChange(content, client);
  }

  #systemInfo(content: OpackValue | undefined): FakeRequestOutcome {
    this.#state.clientSystemInfo = content;
    return {
      content: {
        name: this.#device.name,
        model: this.#device.model,
        _idsID: this.#device.identifier,
        _sv: "715.2",
      },
    };
  }

  #sessionStart(content: OpackValue | undefined): FakeRequestOutcome {
    const localSid = integer(field(content, "_sid"));
    const serviceType = field(content, "_srvT");
    if (localSid === undefined || typeof serviceType !== "string") {
      return failure("Missing _sid or _srvT");
    }
    const remoteSid = randomInt(1, 2 ** 32);
    this.#state.session = {
      serviceType,
      localSid: BigInt(localSid),
      remoteSid: BigInt(remoteSid),
    };
    return { content: { _sid: remoteSid } };
  }

  #sessionStop(content: OpackValue | undefined): FakeRequestOutcome {
    const sid = integer(field(content, "_sid"));
    const session = this.#state.session;
    if (
      sid === undefined ||
      session === undefined ||
      BigInt(sid) !== ((session.remoteSid << 32n) | session.localSid)
    ) {
      return failure("Invalid SID");
    }
    this.#state.session = undefined;
    return { content: {} };
  }

  #interest(content: OpackValue | undefined, client: FakeClientContext): FakeRequestOutcome {
    const register = field(content, "_regEvents");
    const deregister = field(content, "_deregEvents");
    if (Array.isArray(register)) {
      for (const name of register) if (typeof name === "string") client.interests.add(name);
      if (register.includes("_iMC")) {
        client.sendEvent("_iMC", { _mcF: this.#state.mediaControlFlags });
      }
    }
    if (Array.isArray(deregister)) {
      for (const name of deregister) if (typeof name === "string") client.interests.delete(name);
    }
    return { content: {} };
  }

  #launchApp(content: OpackValue | undefined): FakeRequestOutcome {
    const bundleId = field(content, "_bundleID");
    const url = field(content, "_urlS");
    if (typeof bundleId === "string") {
      if (!this.#state.installedApps.has(bundleId)) {
        return failure(`Application ${bundleId} is not installed`);
      }
      this.#state.activeApp = bundleId;
      this.#state.recordLaunch(bundleId);
      this.#state.record({ kind: "launch_app", bundleId });
      return { content: {} };
    }
    if (typeof url === "string") {
      this.#state.recordOpenedUrl(url);
      this.#state.record({ kind: "open_url", url });
      return { content: {} };
    }
    return failure("Missing _bundleID or _urlS");
  }

  #switchAccount(content: OpackValue | undefined): FakeRequestOutcome {
    const accountId = field(content, "SwitchAccountID");
    if (typeof accountId !== "string" || !this.#state.userAccounts.has(accountId)) {
      return failure("Unknown account");
    }
    this.#state.activeAccount = accountId;
    this.#state.record({ kind: "switch_account", accountId });
    return { content: {} };
  }

  #hidCommand(content: OpackValue | undefined): FakeRequestOutcome {
    const code = integer(field(content, "_hidC"));
    const buttonState = integer(field(content, "_hBtS"));
    const name = code === undefined ? undefined : HID_BUTTONS.get(Number(code));
    if (name === undefined || (buttonState !== 1 && buttonState !== 2)) {
      return failure("Unknown HID command");
    }
    const button = Number(code);
    if (buttonState === 1) {
      this.#pressed.add(button);
      this.#state.record({ kind: "button", name, state: "down" });
      return { content: {} };
    }
    // As on pyatv's fake, sleep and wake act on release and need no press.
    if (button === HID_SLEEP || button === HID_WAKE) {
      this.#pressed.delete(button);
      this.#state.record({ kind: "button", name, state: "up" });
      this.#state.setPower(button === HID_WAKE);
      return { content: {} };
    }
    if (!this.#pressed.delete(button)) return failure(`Missing button DOWN for ${name}`);
    this.#state.record({ kind: "button", name, state: "up" });
    if (name === "volume_up") this.#state.setVolume(this.#state.volume + VOLUME_STEP);
    if (name === "volume_down") this.#state.setVolume(this.#state.volume - VOLUME_STEP);
    return { content: {} };
  }

  #mediaControl(content: OpackValue | undefined): FakeRequestOutcome {
    const command = integer(field(content, "_mcc"));
    if (command === MCC_GET_VOLUME) return { content: { _vol: this.#state.volume / 100 } };
    if (command === MCC_SET_VOLUME) {
      const level = real(field(content, "_vol"));
      if (level === undefined) return failure("Missing _vol");
      this.#state.record({ kind: "media_control", name: "set_volume" });
      this.#state.setVolume(level * 100);
      return { content: {} };
    }
    if (command === MCC_SKIP_BY) {
      const seconds = real(field(content, "_skpS"));
      if (seconds === undefined) return failure("Missing _skpS");
      this.#state.record({ kind: "media_control", name: "skip", seconds });
      return { content: {} };
    }
    const name = command === undefined ? undefined : MEDIA_COMMANDS.get(Number(command));
    if (name === undefined) return failure("Unsupported media control command");
    this.#state.record({ kind: "media_control", name });
    return { content: {} };
  }

  #touchStart(content: OpackValue | undefined): FakeRequestOutcome {
    const width = real(field(content, "_width"));
    const height = real(field(content, "_height"));
    if (
      width === undefined ||
      height === undefined ||
      !(width > 0 && width <= 1000 && height > 0 && height <= 1000)
    ) {
      return failure("Invalid touchpad width or height");
    }
    this.#state.touchpad = { width, height };
    return { content: {} };
  }

  #touchStop(): FakeRequestOutcome {
    this.#state.touchpad = undefined;
    return { content: {} };
  }

  #touch(content: OpackValue | undefined): void {
    const phase = integer(field(content, "_tPh"));
    const x = real(field(content, "_cx"));
    const y = real(field(content, "_cy"));
    if (phase === undefined || x === undefined || y === undefined) return;
    this.#state.recordTouch({ phase: Number(phase), x, y });
  }

  #textInputStart(client: FakeClientContext): FakeRequestOutcome {
    const tiD = this.#state.startTextInput(client);
    return { content: tiD === undefined ? {} : { _tiD: tiD } };
  }

  #textInputStop(client: FakeClientContext): FakeRequestOutcome {
    this.#state.stopTextInput(client);
    return { content: {} };
  }

  // A garbled `_tiC` is dropped, as a device would drop an archive it cannot read; it
  // must not cost the client its connection.
  #textInputChange(content: OpackValue | undefined, client: FakeClientContext): void {
    const tiD = field(content, "_tiD");
    if (!(tiD instanceof Uint8Array)) {
      this.#logger.debug("fake companion: _tiC without _tiD data, ignored");
      return;
    }
    let operations: RtiTextOperations;
    try {
      operations = decodeRtiTextOperations(tiD);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.#logger.debug("fake companion: _tiC ignored: %s", error.message);
      return;
    }
    if (!this.#state.applyTextOperations(client, operations)) {
      this.#logger.debug("fake companion: _tiC for another session or too long, ignored");
    }
  }
}

function failure(message: string, code = FAKE_ERROR_CODE): FakeRequestOutcome {
  return { error: { code, domain: FAKE_ERROR_DOMAIN, message } };
}

function field(content: OpackValue | undefined, key: string): OpackValue | undefined {
  return content instanceof Map ? content.get(key) : undefined;
}

function integer(value: OpackValue | undefined): number | bigint | undefined {
  return opackInteger(value);
}

/** A number however it was packed: small int, sized int or float. */
function real(value: OpackValue | undefined): number | undefined {
  if (typeof value === "number") return value;
  if (value instanceof OpackFloat) return value.value;
  if (value instanceof OpackInt) return Number(value.value);
  if (typeof value === "bigint") return Number(value);
  return undefined;
}
