// What the fake receiver reports and records: events as they happen, and one record per
// completed stream.

/** The audio format an ANNOUNCE (AirPlay 1) or the stream SETUP (AirPlay 2) chose. */
export type FakeRaopFormat = "alac" | "l16";

/**
 * How a stream was set up: "v1" with ANNOUNCE and a Transport SETUP, audio in clear;
 * "v2" (AirPlay 2) after pair-verify, with plist SETUPs and sealed audio.
 */
export type FakeRaopVersion = "v1" | "v2";

export interface FakeRaopMetadata {
  readonly title?: string;
  readonly artist?: string;
  readonly album?: string;
}

export interface FakeRaopProgress {
  readonly start: number;
  readonly current: number;
  readonly end: number;
}

/** Why a stream ended. */
export type FakeRaopEndReason = "flush" | "teardown" | "disconnect" | "close";

export type FakeRaopEvent =
  /** The first audio packet of a stream arrived (after RECORD, or after a FLUSH ended one). */
  | {
      readonly kind: "stream_start";
      readonly format: FakeRaopFormat;
      readonly version: FakeRaopVersion;
    }
  /** A stream ended; `sha256` is the hex checksum of all its PCM, in sequence order. */
  | {
      readonly kind: "stream_end";
      readonly format: FakeRaopFormat;
      readonly version: FakeRaopVersion;
      readonly frames: number;
      readonly sha256: string;
      /** The same without the trailing silent frames (see FakeRaopStream). */
      readonly unpaddedFrames: number;
      readonly unpaddedSha256: string;
      /** Packets that never arrived, not even when asked for again. */
      readonly missing: number;
      /** Packets dropped as unreadable or, in v2, failing authentication. */
      readonly badPackets: number;
      readonly reason: FakeRaopEndReason;
    }
  /** `level` is the dB value as sent; `percent` pyatv's dbfs_to_pct of it. */
  | { readonly kind: "volume"; readonly level: number; readonly percent: number }
  | ({ readonly kind: "metadata" } & FakeRaopMetadata)
  | { readonly kind: "artwork"; readonly mimetype: string; readonly length: number }
  | ({ readonly kind: "progress" } & FakeRaopProgress)
  /** The receiver asked for `count` packets from `seqno` again. */
  | { readonly kind: "retransmit_request"; readonly seqno: number; readonly count: number }
  /**
   * A client paired with the PIN (v2 receivers). The fields are named as DMAP's pairing
   * event: `pairingGuid` is the client's HAP pairing identifier (as text), `remoteName`
   * is empty (the name a client sends in M5 is not kept by the pairing server).
   */
  | { readonly kind: "paired"; readonly pairingGuid: string; readonly remoteName: string }
  /**
   * A pair-setup or pair-verify that the receiver refused: `service` is "raop",
   * `reason` "pair-setup" (e.g. a wrong PIN) or "pair-verify" (an unknown client).
   */
  | { readonly kind: "pairing_failed"; readonly service: string; readonly reason: string };

/** A completed stream. */
export interface FakeRaopStream {
  readonly format: FakeRaopFormat;
  readonly version: FakeRaopVersion;
  /** Frames received (4 bytes each), padding included. */
  readonly frames: number;
  /** Hex SHA-256 of all PCM received (S16LE stereo), in sequence order. */
  readonly sha256: string;
  /**
   * Frames and checksum of the PCM without its trailing all-zero frames: senders pad the
   * last packet to 352 frames and pyatv then sends silence for its latency (~1.5 s), so
   * compare these with `trimTrailingSilence(source)` when the padding is not known.
   */
  readonly unpaddedFrames: number;
  readonly unpaddedSha256: string;
  /** Packets that never arrived. */
  readonly missing: number;
  /**
   * The PCM itself, up to the receiver's `maxPcmBytes`, and only for the most recent
   * streams (older records drop it to bound memory): undefined once dropped.
   */
  readonly pcm: Uint8Array | undefined;
  /** Whether `pcm` was cut short by `maxPcmBytes` (the checksum still covers all). */
  readonly truncated: boolean;
  /** The last metadata sent in this session before the stream ended. */
  readonly metadata: FakeRaopMetadata | undefined;
  /** The last artwork sent; its bytes are dropped with `pcm` in older records. */
  readonly artwork:
    | { readonly mimetype: string; readonly bytes: Uint8Array | undefined }
    | undefined;
  readonly progress: FakeRaopProgress | undefined;
  /** Volumes (dB as sent) set since the previous stream of the session ended. */
  readonly volumes: readonly number[];
  readonly retransmitRequests: number;
  /** Packets dropped as unreadable or, in v2, failing authentication. */
  readonly badPackets: number;
  readonly reason: FakeRaopEndReason;
}
