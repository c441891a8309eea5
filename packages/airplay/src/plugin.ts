// The plugin contract @atv/core knows AirPlay by: scanning, pairing, and a connection that
// offers play URL and, through the AirPlay 2 tunnel, MRP (pyatv's airplay/__init__.py).

import { CredentialsType } from "@atv/hap";
import {
  type AppleTV,
  type ConnectOptions,
  DEFAULT_INFO_SETTINGS,
  FeatureName,
  FeatureState,
  MrpTunnel,
  type PairOptions,
  Protocol,
  type ProtocolPlugin,
  type ProtocolSession,
  type Service,
} from "@atv/interface";
import { mrpSession } from "@atv/mrp";
import { connectMrpTunnel } from "./ap2/mrp-tunnel.js";
import { AirPlayPairingHandler } from "./auth/pairing-handler.js";
import { extractCredentials } from "./auth/verify.js";
import { AirPlayFeature, detectAirPlayVersion, hasFeature, parseFeatures } from "./features.js";
import { HttpConnection } from "./http/connection.js";
import { isRemoteControlSupported } from "./remote-control-support.js";
import { airplayScanPlugin } from "./scan.js";
import { AirPlayStream } from "./stream.js";

/**
 * AirPlay's pairing with `service` of `device`, on that service's own port: AirPlay's and
 * RAOP's (pyatv's raop.pair() uses AirPlay's pairing too). The credentials land on `service`.
 */
export function pairOverAirPlay(
  device: AppleTV,
  service: Service,
  options: PairOptions = {},
): AirPlayPairingHandler {
  return new AirPlayPairingHandler({
    service,
    ...(options.name ? { name: options.name } : {}),
    ...(options.timeout ? { timeout: options.timeout } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    connect: (opts) =>
      HttpConnection.connect(device.address, service.port, {
        ...opts,
        ...(options.timeout ? { timeout: options.timeout, requestTimeout: options.timeout } : {}),
        ...(options.logger ? { logger: options.logger } : {}),
      }),
  });
}

export const airplayPlugin: ProtocolPlugin = {
  ...airplayScanPlugin,
  pair: pairOverAirPlay,

  async connect(
    device: AppleTV,
    service: Service,
    options: ConnectOptions = {},
  ): Promise<ProtocolSession[]> {
    const credentials = extractCredentials(service);
    const info = options.info ?? { ...DEFAULT_INFO_SETTINGS, rpId: "" };
    const features = parseFeatures(
      service.properties.get("features") ?? service.properties.get("ft") ?? "0x0",
    );
    const stream = new AirPlayStream({
      host: device.address,
      port: service.port,
      credentials,
      version: detectAirPlayVersion(service.properties),
      info,
      ...(options.timeout ? { timeout: options.timeout } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
    const canPlayUrl =
      features !== undefined &&
      (hasFeature(features, AirPlayFeature.SupportsAirPlayVideoV1) ||
        hasFeature(features, AirPlayFeature.SupportsAirPlayVideoV2));
    const sessions: ProtocolSession[] = [
      {
        protocol: Protocol.AirPlay,
        stream,
        // While a URL plays these reach AirPlay first (takesOver), as pyatv's takeover.
        remoteControl: {
          stop: () => stream.stop(),
          pause: () => stream.pause(),
          play: () => stream.play(),
        },
        takesOver: () => stream.playing,
        features: {
          getFeature(name) {
            if (name === FeatureName.PlayUrl && canPlayUrl)
              return { state: FeatureState.Available };
            if (name === FeatureName.Stop) return { state: FeatureState.Available };
            return { state: FeatureState.Unavailable };
          },
        },
        close: async () => stream.close(),
      },
    ];

    const tunnel = options.mrpTunnel ?? MrpTunnel.Auto;
    const possible =
      tunnel === MrpTunnel.Force ||
      (tunnel === MrpTunnel.Auto &&
        isRemoteControlSupported(service.properties, credentials) &&
        (credentials.type === CredentialsType.Hap ||
          credentials.type === CredentialsType.Transient));
    // A working direct MRP service is used rather than the tunnel.
    if (possible && !(await options.connectedDirectly?.(Protocol.MRP))) {
      const client = await connectMrpTunnel({
        host: device.address,
        port: service.port,
        credentials,
        info,
        ...(options.timeout ? { timeout: options.timeout } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.listener ? { listener: options.listener } : {}),
        ...(options.logger ? { logger: options.logger } : {}),
      });
      sessions.push(mrpSession(client));
    }
    return sessions;
  },
};
