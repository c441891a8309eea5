import type { Apps, UserAccounts } from "./api/apps.js";
import type { Audio } from "./api/audio.js";
import type { AbortOptions } from "./api/common.js";
import type { DeviceListener, PairingHandler } from "./api/device.js";
import type { Features } from "./api/features.js";
import type { Keyboard, TouchGestures } from "./api/keyboard.js";
import type { Metadata } from "./api/metadata.js";
import type { Power } from "./api/power.js";
import type { PushUpdater } from "./api/push-updates.js";
import type { RemoteControl } from "./api/remote-control.js";
import type { Stream } from "./api/stream.js";
import type { AppleTV } from "./config.js";
import type { Protocol } from "./const.js";
import type { Logger } from "./logger.js";
import type { ProtocolScanPlugin } from "./scan-plugin.js";
import type { Service } from "./service.js";
import type { InfoSettings, MrpTunnel, RaopSettings } from "./settings.js";

export interface PairOptions extends AbortOptions {
  /** The name the device lists this remote under (pyatv's --remote-name). */
  name?: string;
  /** Longest wait for each answer of the device, in milliseconds. */
  timeout?: number;
  logger?: Logger;
  /** DMAP: the pairing GUID this remote pairs as (16 hex digits); random by default. */
  pairingGuid?: string;
  /**
   * DMAP: mDNS responders to announce this remote to by unicast, such as the one a unicast
   * scan reached. Without them the remote is published by multicast, as pyatv does.
   */
  announceTo?: readonly { readonly address: string; readonly port: number }[];
}

export interface ConnectOptions extends AbortOptions {
  /** Longest wait for the connection to be set up, in milliseconds. */
  timeout?: number;
  /** Told once when the connection is lost or closed. */
  listener?: DeviceListener;
  logger?: Logger;
  /**
   * Whether `protocol` connects directly to this device: resolves once its own attempt
   * has ended (false when it failed or is not offered). Protocols connect concurrently; a
   * protocol that can carry another (AirPlay's MRP tunnel) asks this first.
   */
  connectedDirectly?: (protocol: Protocol) => Promise<boolean>;
  /** Whether AirPlay carries MRP (pyatv's mrp_tunnel setting); default auto. */
  mrpTunnel?: MrpTunnel;
  /** How this client presents itself to the device; pyatv's defaults otherwise. */
  info?: InfoSettings;
  /** RAOP's protocol version and UDP ports (pyatv's raop settings); defaults otherwise. */
  raop?: Partial<Pick<RaopSettings, "protocolVersion" | "controlPort" | "timingPort">>;
}

/**
 * What one protocol offers over a live connection. Every part is optional, and so is every
 * method within a part: core relays each call to the highest-priority protocol that has
 * it, else rejects with NotSupportedError (as pyatv's relayer does).
 */
export interface ProtocolSession {
  readonly protocol: Protocol;
  readonly remoteControl?: Partial<RemoteControl>;
  readonly metadata?: Partial<Metadata>;
  /** Push updates of what is playing; core uses the highest-priority protocol's. */
  readonly pushUpdater?: PushUpdater;
  /** Volume and output devices; its listener is set by core to relay the updates. */
  readonly audio?: Partial<Audio> & Pick<Audio, "listener">;
  /** Power state and control; its listener is set by core to relay the updates. */
  readonly power?: Partial<Power> & Pick<Power, "listener">;
  /**
   * What the protocol can do now. Core asks each protocol in priority order and takes
   * the first answer that is not Unsupported.
   */
  readonly features?: Pick<Features, "getFeature">;
  /** The device's apps: list and launch. */
  readonly apps?: Partial<Apps>;
  /** The device's user accounts: list and switch. */
  readonly userAccounts?: Partial<UserAccounts>;
  /** Playing media from a URL or a file, streaming audio. */
  readonly stream?: Partial<Stream>;
  /** The on-screen keyboard; its listener is set by core to relay focus changes. */
  readonly keyboard?: Partial<Keyboard> & Pick<Keyboard, "listener">;
  /** Touch gestures on the device's virtual touchpad. */
  readonly touch?: Partial<TouchGestures>;
  /**
   * While this answers true, the session's remote control answers the calls it can make
   * before any other protocol's (pyatv's takeover: AirPlay stops what it plays).
   */
  readonly takesOver?: () => boolean;
  /** Ends the connection; the listener hears connectionClosed(). Idempotent. */
  close(): Promise<void>;
}

/**
 * The whole contract of a protocol package (pyatv: each protocol's scan, pair, setup,
 * device_info and service_info). Core's generic code knows protocols only through this.
 */
export interface ProtocolPlugin extends ProtocolScanPlugin {
  /** A pairing handler for `service` of `device`; undefined when the protocol cannot pair. */
  pair?(device: AppleTV, service: Service, options?: PairOptions): PairingHandler;
  /**
   * Connects to `service` of `device` (with its credentials, if it has any). A protocol
   * that carries another (AirPlay 2 carries MRP) returns a session for each.
   */
  connect?(
    device: AppleTV,
    service: Service,
    options?: ConnectOptions,
  ): Promise<ProtocolSession | readonly ProtocolSession[]>;
}
