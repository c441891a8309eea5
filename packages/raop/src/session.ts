// The session core sees of a RAOP client: audio streaming with volume, metadata of the
// stream, push updates and pause/stop (pyatv's RaopStream, RaopAudio, RaopMetadata,
// RaopRemoteControl and RaopFeatures).

import {
  type ConnectOptions,
  type FeatureInfo,
  FeatureName,
  FeatureState,
  type MediaMetadata,
  Protocol,
  type ProtocolSession,
  type StreamFileOptions,
  type StreamSource,
} from "@atv/interface";
import type { AudioMetadata } from "./audio/index.js";
import type { RaopClient } from "./client/client.js";
import { RaopPushUpdater } from "./client/push-updater.js";

/** streamFile's options (the interface's, progress included). */
export type RaopStreamFileOptions = StreamFileOptions;

/** Core passes the device's RAOP settings along (protocol version, local UDP ports). */
export type RaopConnectOptions = ConnectOptions;

const AVAILABLE: FeatureInfo = Object.freeze({ state: FeatureState.Available });
const UNAVAILABLE: FeatureInfo = Object.freeze({ state: FeatureState.Unavailable });

/** The session's view of one RAOP client. */
export function raopSession(client: RaopClient): ProtocolSession {
  const pushUpdater = new RaopPushUpdater(client);
  const audio: NonNullable<ProtocolSession["audio"]> = {
    listener: undefined,
    get volume() {
      return client.volume;
    },
    setVolume: (level, opts = {}) => client.setVolume(level, opts),
    volumeUp: (opts = {}) => client.volumeUp(opts),
    volumeDown: (opts = {}) => client.volumeDown(opts),
  };
  client.onVolumeChange((oldLevel, newLevel) => audio.listener?.volumeUpdate(oldLevel, newLevel));

  return {
    protocol: Protocol.RAOP,
    stream: {
      streamFile: (source: StreamSource, opts: RaopStreamFileOptions = {}) =>
        client.streamFile(source, {
          ...(opts.metadata ? { metadata: toAudioMetadata(opts.metadata) } : {}),
          ...(opts.overrideMissingMetadata ? { overrideMissingMetadata: true } : {}),
          ...(opts.signal ? { signal: opts.signal } : {}),
          ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        }),
      close: () => void client.stop(),
    },
    audio,
    metadata: {
      deviceId: undefined,
      app: undefined,
      artworkId: undefined,
      playing: async (opts = {}) => {
        opts.signal?.throwIfAborted();
        return client.playing();
      },
    },
    pushUpdater,
    // pyatv's RaopRemoteControl: pause stops the stream too (there is no resume).
    remoteControl: {
      pause: () => client.pause(),
      stop: () => client.stop(),
      volumeUp: () => client.volumeUp(),
      volumeDown: () => client.volumeDown(),
    },
    // While a file streams, RAOP answers for what plays (pyatv's takeover).
    takesOver: () => client.streaming,
    features: { getFeature: (name) => raopFeature(client, name) },
    close: async () => {
      pushUpdater.stop();
      await client.close();
    },
  };
}

/** pyatv's RaopFeatures.get_feature. */
function raopFeature(client: RaopClient, name: FeatureName): FeatureInfo {
  const playing = client.playing();
  switch (name) {
    case FeatureName.StreamFile:
    case FeatureName.PushUpdates:
    case FeatureName.SetVolume:
    case FeatureName.Volume:
    case FeatureName.VolumeUp:
    case FeatureName.VolumeDown:
      return AVAILABLE;
    case FeatureName.Title:
      return playing.title ? AVAILABLE : UNAVAILABLE;
    case FeatureName.Artist:
      return playing.artist ? AVAILABLE : UNAVAILABLE;
    case FeatureName.Album:
      return playing.album ? AVAILABLE : UNAVAILABLE;
    case FeatureName.Position:
    case FeatureName.TotalTime:
      return playing.totalTime ? AVAILABLE : UNAVAILABLE;
    case FeatureName.Stop:
    case FeatureName.Pause:
      return client.streaming ? AVAILABLE : UNAVAILABLE;
    default:
      return UNAVAILABLE;
  }
}

function toAudioMetadata(m: MediaMetadata): AudioMetadata {
  return {
    ...(m.title !== undefined ? { title: m.title } : {}),
    ...(m.artist !== undefined ? { artist: m.artist } : {}),
    ...(m.album !== undefined ? { album: m.album } : {}),
    ...(m.artwork !== undefined ? { artwork: { bytes: m.artwork, mimetype: "image/jpeg" } } : {}),
  };
}
