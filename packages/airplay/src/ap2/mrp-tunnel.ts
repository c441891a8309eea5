// MRP through the AirPlay 2 tunnel (pyatv's mrp_connection.py and airplay/__init__.py's
// _create_mrp_tunnel_data): the whole @atv/mrp client over the data stream.

import type { HapCredentials } from "@atv/hap";
import {
  type AbortOptions,
  DEFAULT_INFO_SETTINGS,
  type DeviceListener,
  type InfoSettings,
  type Logger,
} from "@atv/interface";
import { type MrpClient, MrpConnection, startMrpClient } from "@atv/mrp";
import { Ap2Session } from "./session.js";

/** Longest wait for the whole set-up unless told otherwise. */
export const DEFAULT_TUNNEL_TIMEOUT = 10_000;

export interface ConnectMrpTunnelOptions extends AbortOptions {
  host: string;
  /** The AirPlay service's port. */
  port: number;
  /** HAP credentials of an AirPlay pairing, or transient ones (HomePods). */
  credentials: HapCredentials;
  /** How this client presents itself; pyatv's defaults otherwise. */
  info?: InfoSettings;
  /** Longest wait for each step of the set-up, in milliseconds; default 10000. */
  timeout?: number;
  /** Hears connectionLost once if the session drops, connectionClosed after close(). */
  listener?: DeviceListener;
  logger?: Logger;
  /** The name the device lists this client under in MRP. */
  name?: string;
  /** Milliseconds between keep-alives; default 2000. */
  feedbackInterval?: number;
}

export interface MrpTunnelClient extends MrpClient {
  readonly session: Ap2Session;
}

/**
 * Connects to the AirPlay service, verifies, opens the remote-control channels and runs
 * an MRP session over the data stream. A device that refuses the credentials answers 470:
 * InvalidCredentialsError.
 */
export async function connectMrpTunnel(options: ConnectMrpTunnelOptions): Promise<MrpTunnelClient> {
  const timeout = options.timeout ?? DEFAULT_TUNNEL_TIMEOUT;
  const info: InfoSettings = options.info ?? { ...DEFAULT_INFO_SETTINGS, rpId: "" };
  const session = await Ap2Session.connect(options.host, options.port, options.credentials, {
    info,
    timeout,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.feedbackInterval ? { feedbackInterval: options.feedbackInterval } : {}),
  });
  let client: MrpClient;
  try {
    const channel = await session.setupRemoteControl();
    session.startKeepAlive();
    client = await startMrpClient(
      new MrpConnection(channel, undefined, options.logger ? { logger: options.logger } : {}),
      {
        timeout,
        // The control connection's keep-alive watches the session (pyatv sends no MRP
        // heartbeat in the tunnel).
        heartbeat: false,
        where: `${options.host}:${options.port} (AirPlay tunnel)`,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.listener ? { listener: options.listener } : {}),
        ...(options.logger ? { logger: options.logger } : {}),
        ...(options.name ? { name: options.name } : {}),
      },
    );
  } catch (error) {
    session.close();
    throw error;
  }
  return {
    ...client,
    session,
    close: async () => {
      await client.close();
      session.close();
    },
  };
}
