// What carries MRP's serialised messages between us and a device. Direct MRP uses a TCP
// stream with varint framing (stream-transport.ts); since tvOS 15 the messages travel
// inside an AirPlay 2 data stream instead (@atv/airplay). Everything above a transport
// (requests, now playing, volume, power, ...) is the same over both.

/** What a transport tells its owner. */
export interface MrpTransportReceiver {
  /** One serialised ProtocolMessage from the device (decrypted, if the transport encrypts). */
  message(payload: Uint8Array): void;
  /**
   * The transport ended, called once: `undefined` after our own `close()`, else the reason
   * (ConnectionLostError, or ProtocolError / DecryptionError for bad input).
   */
  closed(error: Error | undefined): void;
}

export interface MrpTransport {
  /** Sets the owner; messages that arrive before one is set are dropped. */
  setReceiver(receiver: MrpTransportReceiver): void;
  /** Sends one serialised ProtocolMessage; throws ConnectionLostError once closed. */
  send(payload: Uint8Array): void;
  /**
   * From now on messages are sealed with `outputKey` and opened with `inputKey`. A
   * transport that is encrypted below MRP (the AirPlay tunnel) ignores this, as pyatv's
   * tunnel connection does.
   */
  enableEncryption(outputKey: Uint8Array, inputKey: Uint8Array): void;
  readonly encrypted: boolean;
  /** True once the transport has ended, by `close()` or otherwise. */
  readonly closed: boolean;
  /** Why it ended, if it was not our own `close()`. */
  readonly closeError: Error | undefined;
  /** Ends the transport; the receiver hears `closed(undefined)`. Idempotent. */
  close(): void;
  /** Ends the transport because of `error`, which the receiver hears. */
  fail(error: Error): void;
}
