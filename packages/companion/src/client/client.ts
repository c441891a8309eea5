// A Companion link session set up and ended as pyatv's CompanionAPI connect and
// disconnect do (protocols/companion/api.py and __init__.py, MIT): pair-verify, encrypt,
// `_systemInfo`, `_touchStart`, `_sessionStart`, `TVRCSessionStart`, `_tiStart`, interest
// in `_iMC`; and the app calls.

import { randomInt } from "node:crypto";
import {
  type AbortOptions,
  AuthenticationError,
  ConnectionFailedError,
  ConnectionLostError,
  DEFAULT_INFO_SETTINGS,
  type Deadline,
  type DeviceListener,
  deadline,
  type Logger,
  OperationTimeoutError,
  ProtocolError,
  silentLogger,
} from "@atv/interface";
import { type OpackEncodable, opackInteger } from "../opack.js";
import { CompanionUserAccounts } from "./accounts.js";
import { CompanionAudio } from "./audio.js";
import { parseCompanionCredentials, verifyCredentials } from "./auth.js";
import { CompanionConnection } from "./connection.js";
import { CompanionFeatures } from "./features.js";
import { EventInterests } from "./interest.js";
import { CompanionKeyboard } from "./keyboard.js";
import { CompanionPower } from "./power.js";
import { CompanionProtocol, type RequestOptions } from "./protocol.js";
import { CompanionRemoteControl } from "./remote-control.js";
import { CompanionTouch } from "./touch.js";

/** Longest wait for the whole set-up unless told otherwise, in milliseconds. */
export const DEFAULT_CONNECT_TIMEOUT = 10_000;
/** How long `close()` waits for the answers to `_sessionStop`, `_touchStop` and `_tiStop`. */
const STOP_TIMEOUT = 1000;
const SERVICE_TYPE = "com.apple.tvremoteservices";

/** What this client tells the device about itself in `_systemInfo` (pyatv's InfoSettings). */
export interface CompanionClientInfo {
  name?: string;
  model?: string;
  /** pyatv's device_id, a MAC-like string; sent as `_pubID`. */
  deviceId?: string;
  /** pyatv's rp_id, sent as `_i`; the device id without colons, lower case, by default. */
  rpId?: string;
}

export interface ConnectCompanionOptions extends AbortOptions {
  host: string;
  port: number;
  /** pyatv's credential string from pairing (`ltpk:ltsk:atv_id:client_id`). */
  credentials: string;
  /** Longest wait for the whole set-up, in milliseconds; default 10000. */
  timeout?: number;
  /** Told when the session ends after set-up: lost (with the reason) or closed. */
  listener?: DeviceListener;
  logger?: Logger;
  /** The name sent in `_systemInfo`; pyatv's "pyatv" by default. */
  name?: string;
  /** Longest wait for the new state with `awaitNewState` on power, in ms; default 30000. */
  powerStateTimeout?: number;
  /** The rest of what `_systemInfo` says; pyatv's defaults otherwise. */
  info?: CompanionClientInfo;
}

export interface CompanionApp {
  /** The name the device shows. */
  readonly name: string;
  /** The bundle identifier. */
  readonly identifier: string;
}

export interface CompanionClient {
  readonly protocol: CompanionProtocol;
  /** The session identifier: the device's `_sid` in the high 32 bits, ours in the low. */
  readonly sessionId: bigint;
  /** Buttons over `_hidC` and playback over `_mcc` (pyatv's CompanionRemoteControl). */
  readonly remoteControl: CompanionRemoteControl;
  /** Power state from the device's system status, and wake/sleep. */
  readonly power: CompanionPower;
  /** The device's user accounts: list and switch. */
  readonly userAccounts: CompanionUserAccounts;
  /** The on-screen keyboard: focus state and text. */
  readonly keyboard: CompanionKeyboard;
  /** Touch gestures on the virtual touchpad. */
  readonly touch: CompanionTouch;
  /** The device's volume, while it offers volume control. */
  readonly audio: CompanionAudio;
  /** What the session can do now (pyatv's CompanionFeatures). */
  readonly features: CompanionFeatures;
  /** The apps the device can launch (FetchLaunchableApplicationsEvent). */
  appList(options?: RequestOptions): Promise<CompanionApp[]>;
  /** Launches an app by bundle identifier, or opens a URL (anything with a scheme). */
  launchApp(bundleIdOrUrl: string, options?: RequestOptions): Promise<void>;
  /**
   * Deregisters every event, stops the session, touch and text input (each best effort,
   * briefly) and closes; the listener hears connectionClosed(). Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Connects and sets a session up. Rejected credentials are an AuthenticationError; a
 * device that does not answer in time or drops the connection a ConnectionFailedError; an
 * abort rejects with the signal's reason. On failure the connection is closed.
 */
export async function connectCompanion(options: ConnectCompanionOptions): Promise<CompanionClient> {
  const { signal, timeout = DEFAULT_CONNECT_TIMEOUT, listener, logger } = options;
  signal?.throwIfAborted();
  const credentials = parseCompanionCredentials(options.credentials);
  const setup = deadline(timeout, signal);
  const request: RequestOptions = { signal: setup.signal, timeout };
  let ready = false;
  let protocol: CompanionProtocol | undefined;
  let parts: SessionParts | undefined;
  let sessionId: bigint;
  try {
    const connection = await CompanionConnection.connect(options.host, options.port, {
      timeout,
      signal: setup.signal,
      ...(logger ? { logger } : {}),
    });
    protocol = new CompanionProtocol(connection, {
      ...(logger ? { logger } : {}),
      onClosed: (error) => {
        parts?.power.close(error);
        parts?.audio.close(error);
        if (!ready || listener === undefined) return;
        if (error === undefined) listener.connectionClosed();
        else listener.connectionLost(error);
      },
    });
    const keys = await verifyCredentials(protocol, credentials, request);
    connection.enableEncryption(keys.outputKey, keys.inputKey);
    // Listening before anything starts: the device answers the first `_interest` in
    // `_iMC` at once, and `_tiStart` carries the first focus state.
    parts = sessionParts(protocol, options);
    await protocol.request(
      "_systemInfo",
      systemInfo(credentials.clientId, options.name, options.info),
      request,
    );
    await parts.touch.start(request);
    sessionId = await startSession(protocol, request);
    await startRemoteSession(protocol, request, logger ?? silentLogger);
    await startTextInput(parts.keyboard, request, logger ?? silentLogger);
    parts.interests.subscribe("_iMC");
    await parts.power.initialize(request);
  } catch (error) {
    protocol?.close();
    throw setupError(error, options.host, timeout, signal, setup);
  } finally {
    setup.clear();
  }
  ready = true;
  return new Session(protocol, sessionId, parts, logger ?? silentLogger);
}

/** Everything a session offers beyond requests, listening to the protocol from the start. */
interface SessionParts {
  readonly interests: EventInterests;
  readonly power: CompanionPower;
  readonly audio: CompanionAudio;
  readonly keyboard: CompanionKeyboard;
  readonly touch: CompanionTouch;
  readonly features: CompanionFeatures;
}

function sessionParts(protocol: CompanionProtocol, options: ConnectCompanionOptions): SessionParts {
  const logger = options.logger ?? silentLogger;
  const interests = new EventInterests(protocol, logger);
  const power = new CompanionPower(protocol, {
    logger,
    interests,
    ...(options.powerStateTimeout ? { stateTimeout: options.powerStateTimeout } : {}),
  });
  return {
    interests,
    power,
    audio: new CompanionAudio(protocol, { logger }),
    keyboard: new CompanionKeyboard(protocol, logger),
    touch: new CompanionTouch(protocol),
    features: new CompanionFeatures(protocol, power, logger),
  };
}

/**
 * pyatv's `_tv_rc_session_start`: tvOS answers FetchAttentionState only within a TV Remote
 * session. Devices without one refuse; that is only logged, as pyatv does.
 */
async function startRemoteSession(
  protocol: CompanionProtocol,
  request: RequestOptions,
  logger: Logger,
): Promise<void> {
  try {
    await protocol.request("TVRCSessionStart", { ProtocolVersionKey: "1.2" }, request);
  } catch (error) {
    request.signal?.throwIfAborted();
    logger.debug("companion: TVRCSessionStart not supported: %o", error);
  }
}

/**
 * The first text input session. Unlike pyatv, a device that refuses it still gets a
 * session: only the keyboard's first focus state is lost (it stays Unknown until the
 * device sends `_tiStarted` or a text call restarts the session).
 */
async function startTextInput(
  keyboard: CompanionKeyboard,
  request: RequestOptions,
  logger: Logger,
): Promise<void> {
  try {
    await keyboard.start(request);
  } catch (error) {
    request.signal?.throwIfAborted();
    if (error instanceof ConnectionLostError) throw error;
    logger.debug("companion: _tiStart failed: %o", error);
  }
}

/** pyatv's `system_info` content ("semi-random values", as pyatv says). */
function systemInfo(
  clientId: Uint8Array,
  name: string | undefined,
  info: CompanionClientInfo = {},
): OpackEncodable {
  const deviceId = info.deviceId ?? DEFAULT_INFO_SETTINGS.deviceId;
  return {
    _bf: 0,
    _cf: 512,
    _clFl: 128,
    _i: info.rpId ?? deviceId.replaceAll(":", "").toLowerCase(),
    _idsID: clientId,
    _pubID: deviceId,
    _sf: 256,
    _sv: "170.18",
    model: info.model ?? DEFAULT_INFO_SETTINGS.model,
    name: name ?? info.name ?? DEFAULT_INFO_SETTINGS.name,
  };
}

async function startSession(protocol: CompanionProtocol, request: RequestOptions): Promise<bigint> {
  const localSid = randomInt(0, 2 ** 32);
  const content = await protocol.request(
    "_sessionStart",
    { _srvT: SERVICE_TYPE, _sid: localSid },
    request,
  );
  if (!(content instanceof Map)) throw new ProtocolError("_sessionStart answered without content");
  const remote = opackInteger(content.get("_sid"));
  if (remote === undefined) {
    throw new ProtocolError("_sessionStart answered without a session id");
  }
  return (BigInt(remote) << 32n) | BigInt(localSid);
}

class Session implements CompanionClient {
  readonly protocol: CompanionProtocol;
  readonly sessionId: bigint;
  readonly remoteControl: CompanionRemoteControl;
  readonly power: CompanionPower;
  readonly userAccounts: CompanionUserAccounts;
  readonly keyboard: CompanionKeyboard;
  readonly touch: CompanionTouch;
  readonly audio: CompanionAudio;
  readonly features: CompanionFeatures;
  readonly #interests: EventInterests;
  readonly #logger: Logger;
  #closing: Promise<void> | undefined;

  constructor(protocol: CompanionProtocol, sessionId: bigint, parts: SessionParts, logger: Logger) {
    this.protocol = protocol;
    this.sessionId = sessionId;
    this.power = parts.power;
    this.keyboard = parts.keyboard;
    this.touch = parts.touch;
    this.audio = parts.audio;
    this.features = parts.features;
    this.#interests = parts.interests;
    this.#logger = logger;
    this.remoteControl = new CompanionRemoteControl(protocol);
    this.userAccounts = new CompanionUserAccounts(protocol);
  }

  async appList(options: RequestOptions = {}): Promise<CompanionApp[]> {
    const content = await this.protocol.request("FetchLaunchableApplicationsEvent", {}, options);
    if (!(content instanceof Map)) throw new ProtocolError("app list answered without content");
    const apps: CompanionApp[] = [];
    for (const [identifier, name] of content) {
      if (typeof identifier !== "string" || typeof name !== "string") {
        throw new ProtocolError("app list entry is not a bundle id and a name");
      }
      apps.push({ name, identifier });
    }
    return apps;
  }

  async launchApp(bundleIdOrUrl: string, options: RequestOptions = {}): Promise<void> {
    const key = isUrlOrScheme(bundleIdOrUrl) ? "_urlS" : "_bundleID";
    await this.protocol.request("_launchApp", { [key]: bundleIdOrUrl }, options);
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    if (this.protocol.closed) return;
    // As pyatv's disconnect, every step best effort: the session ends with the connection
    // anyway. The stops go out together, so a silent device costs one bound, not three.
    this.#interests.unsubscribeAll();
    const bound = { timeout: STOP_TIMEOUT };
    const stops = await Promise.allSettled([
      this.protocol.request("_sessionStop", { _srvT: SERVICE_TYPE, _sid: this.sessionId }, bound),
      this.touch.stop(bound),
      this.keyboard.stop(bound),
    ]);
    for (const stop of stops) {
      if (stop.status === "rejected") {
        this.#logger.debug("companion: ignoring error during disconnect: %o", stop.reason);
      }
    }
    this.keyboard.close();
    this.features.close();
    this.protocol.close();
  }
}

/**
 * True when the text has a URL scheme, as Python's `urlparse(text).scheme` is non-empty
 * (pyatv's `is_url_or_scheme`): a letter, then letters, digits, "+", "-" or ".", then ":".
 */
export function isUrlOrScheme(text: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(text);
}

function setupError(
  error: unknown,
  host: string,
  timeout: number,
  signal: AbortSignal | undefined,
  setup: Deadline,
): unknown {
  if (signal?.aborted) return signal.reason;
  if (setup.timedOut) {
    return new ConnectionFailedError(`no Companion session with ${host} within ${timeout} ms`, {
      cause: error,
    });
  }
  if (error instanceof ConnectionFailedError || error instanceof AuthenticationError) return error;
  if (error instanceof ConnectionLostError || error instanceof OperationTimeoutError) {
    return new ConnectionFailedError(`Companion session with ${host} failed: ${error.message}`, {
      cause: error,
    });
  }
  return error;
}
