// Standalone use of MRP, without @atv/core: connect (with or without credentials) and
// control, or pair.

import type { HapCredentials } from "@atv/hap";
import {
  type AbortOptions,
  AuthenticationError,
  ConnectionFailedError,
  ConnectionLostError,
  type Deadline,
  type DeviceListener,
  deadline,
  type Logger,
  OperationTimeoutError,
  Protocol,
  Service,
} from "@atv/interface";
import { MrpAudio } from "./audio.js";
import { parseMrpCredentials } from "./auth.js";
import { MrpConnection } from "./connection.js";
import { MrpFeatures } from "./features.js";
import { MrpMetadata } from "./metadata.js";
import { MrpPairingHandler } from "./pairing.js";
import { PlayerStateManager } from "./player-state.js";
import { MrpPower } from "./power.js";
import { MrpProtocol } from "./protocol.js";
import { MrpPushUpdater } from "./push-updater.js";
import { MrpRemoteControl } from "./remote-control.js";

/** Longest wait for a connection to be set up unless told otherwise. */
export const DEFAULT_CONNECT_TIMEOUT = 5000;

export interface ConnectMrpOptions extends AbortOptions {
  host: string;
  port: number;
  /** pyatv-style credentials; without them the session is plain (unencrypted). */
  credentials?: string;
  /** Longest wait for the whole set-up (TCP, pair-verify, first messages), in ms. */
  timeout?: number;
  /** Hears connectionLost once if the connection drops, connectionClosed after close(). */
  listener?: DeviceListener;
  logger?: Logger;
  /** The name the device lists this client under. */
  name?: string;
  /** The OS build sent in DEVICE_INFO (pyatv's info.os_build). */
  systemBuildVersion?: string;
  /** Milliseconds between heartbeats; default 30000. */
  heartbeatInterval?: number;
  /** Longest wait for a heartbeat's answer, in milliseconds; default 5000. */
  heartbeatTimeout?: number;
}

export interface MrpClient {
  readonly remoteControl: MrpRemoteControl;
  readonly protocol: MrpProtocol;
  /** The apps and players on the device, as it reports them. */
  readonly playerState: PlayerStateManager;
  readonly metadata: MrpMetadata;
  readonly pushUpdater: MrpPushUpdater;
  /** Volume and output devices. */
  readonly audio: MrpAudio;
  /** Power state, turning on and off. */
  readonly power: MrpPower;
  /** What the session can do now. */
  readonly features: MrpFeatures;
  /** Closes the connection; the listener hears connectionClosed(). Idempotent. */
  close(): Promise<void>;
}

/**
 * Connects and sets the session up. Garbled credentials are an InvalidCredentialsError
 * before any I/O; credentials the device rejects an AuthenticationError; a device that
 * cannot be reached or does not answer within `timeout` a ConnectionFailedError.
 */
export async function connectMrp(options: ConnectMrpOptions): Promise<MrpClient> {
  const credentials: HapCredentials | undefined =
    options.credentials === undefined ? undefined : parseMrpCredentials(options.credentials);
  const { signal, timeout = DEFAULT_CONNECT_TIMEOUT } = options;
  signal?.throwIfAborted();
  const setup = deadline(timeout, signal);
  const where = `${options.host}:${options.port}`;
  let connection: MrpConnection;
  try {
    connection = await MrpConnection.connect(options.host, options.port, {
      signal: setup.signal,
      timeout,
      ...(options.logger ? { logger: options.logger } : {}),
    });
  } catch (error) {
    throw setupError(error, where, timeout, signal, setup);
  } finally {
    setup.clear();
  }
  const { host: _host, port: _port, credentials: _text, ...rest } = options;
  return startMrpClient(connection, { ...rest, ...(credentials ? { credentials } : {}), where });
}

export interface StartMrpClientOptions
  extends Omit<ConnectMrpOptions, "host" | "port" | "credentials"> {
  /** Verified with pair-verify before anything else (direct MRP); none in the tunnel. */
  credentials?: HapCredentials;
  /** Send MRP heartbeats (default true; the AirPlay tunnel has its own keep-alive). */
  heartbeat?: boolean;
  /** Names the device in error messages. */
  where?: string;
}

/**
 * Sets an MRP session up over an open connection (TCP, or the AirPlay 2 tunnel) and
 * returns the client. On failure the connection is closed.
 */
export async function startMrpClient(
  connection: MrpConnection,
  options: StartMrpClientOptions = {},
): Promise<MrpClient> {
  const { signal, timeout = DEFAULT_CONNECT_TIMEOUT, listener, credentials } = options;
  signal?.throwIfAborted();
  const setup = deadline(timeout, signal);
  const setupSignal = setup.signal;
  const logged = options.logger ? { logger: options.logger } : {};
  const where = options.where ?? "the device";

  let ready = false;
  let protocol: MrpProtocol | undefined;
  let playerState: PlayerStateManager | undefined;
  let pushUpdater: MrpPushUpdater | undefined;
  let remoteControl: MrpRemoteControl | undefined;
  let audio: MrpAudio | undefined;
  let power: MrpPower | undefined;
  try {
    protocol = new MrpProtocol(connection, {
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.name ? { name: options.name } : {}),
      ...(options.systemBuildVersion ? { systemBuildVersion: options.systemBuildVersion } : {}),
      ...(options.heartbeatInterval ? { heartbeatInterval: options.heartbeatInterval } : {}),
      ...(options.heartbeatTimeout ? { heartbeatTimeout: options.heartbeatTimeout } : {}),
      onClosed: (error) => {
        playerState?.close();
        audio?.close(error);
        power?.close(error);
        pushUpdater?.finish(error);
        if (!ready || listener === undefined) return;
        if (error === undefined) listener.connectionClosed();
        else listener.connectionLost(error);
      },
    });
    // Listening before set-up: the device sends what is playing as soon as it is asked
    // for updates (CLIENT_UPDATES_CONFIG), before the set-up's last answer.
    playerState = new PlayerStateManager(protocol, ...(options.logger ? [options.logger] : []));
    // Volume control and the volume come then too.
    remoteControl = new MrpRemoteControl(protocol);
    audio = new MrpAudio(protocol, remoteControl, logged);
    power = new MrpPower(protocol, remoteControl, logged);
    await protocol.start({
      signal: setupSignal,
      timeout,
      heartbeat: options.heartbeat ?? true,
      ...(credentials ? { credentials } : {}),
    });
  } catch (error) {
    if (protocol) protocol.close();
    else connection.close();
    throw setupError(error, where, timeout, signal, setup);
  } finally {
    setup.clear();
  }
  ready = true;
  const session = protocol;
  const state = playerState;
  const remote = remoteControl;
  const sessionAudio = audio;
  const sessionPower = power;
  const metadata = new MrpMetadata(
    state,
    session.deviceInfo?.uniqueIdentifier ?? undefined,
    session,
    logged,
  );
  pushUpdater = new MrpPushUpdater(
    { playingNow: () => metadata.playingNow(), onChange: (listener) => state.onChange(listener) },
    logged,
  );
  return {
    protocol: session,
    remoteControl: remote,
    playerState: state,
    metadata,
    pushUpdater,
    audio: sessionAudio,
    power: sessionPower,
    features: new MrpFeatures(state, sessionAudio),
    close: async () => {
      session.close();
    },
  };
}

function setupError(
  error: unknown,
  where: string,
  timeout: number,
  signal: AbortSignal | undefined,
  setup: Deadline,
): unknown {
  if (signal?.aborted) return signal.reason;
  if (setup.timedOut) {
    return new ConnectionFailedError(`no MRP session with ${where} within ${timeout} ms`, {
      cause: error,
    });
  }
  if (error instanceof ConnectionFailedError || error instanceof AuthenticationError) {
    return error;
  }
  // A device that drops the connection or stops answering while it is being set up: the
  // connection failed (bad input from it stays a ProtocolError).
  if (error instanceof ConnectionLostError || error instanceof OperationTimeoutError) {
    return new ConnectionFailedError(`MRP session with ${where} failed: ${error.message}`, {
      cause: error,
    });
  }
  return error;
}

export interface PairMrpOptions extends AbortOptions {
  host: string;
  port: number;
  /** The name the device lists this remote under. */
  name?: string;
  /** Longest wait for the connection and for each answer, in milliseconds. */
  timeout?: number;
  logger?: Logger;
}

/**
 * A pairing handler for an MRP service at `host:port`; after `finish()` the credentials
 * are on `handler.service.credentials`.
 */
export function pairMrp(options: PairMrpOptions): MrpPairingHandler {
  const { host, port, ...rest } = options;
  return new MrpPairingHandler({
    ...rest,
    address: host,
    service: new Service({ protocol: Protocol.MRP, port }),
  });
}
