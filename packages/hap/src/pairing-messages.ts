import {
  type AtvError,
  AuthenticationError,
  BackOffError,
  PairingError,
  ProtocolError,
} from "@atv/interface";
import { chacha20Open, chacha20Seal, labelNonce } from "./chacha20.js";
import { HapKdf, hkdfSha512, type KdfLabel } from "./hkdf.js";
import { TlvErrorCode, TlvState, TlvType, tlvErrorName } from "./tlv-types.js";
import { decodeTlv, encodeTlv, type TlvInput, type TlvItems } from "./tlv8.js";

// Shared checks of the handshake steps on both sides: every step reads its message through
// these, so no step sees a raw item map it has not validated.

/** Which handshake a message belongs to, for error messages and error classes. */
export type Handshake = "pair-setup" | "pair-verify";

/** Decodes a device's message and checks its State; a device error item becomes an error. */
export function readMessage(data: Uint8Array, handshake: Handshake, state: number): TlvItems {
  const items = decodeTlv(data);
  const error = items.getInteger(TlvType.Error);
  if (error !== undefined) {
    throw deviceError(handshake, state, error, items.getInteger(TlvType.BackOff));
  }
  checkState(items, handshake, state);
  return items;
}

/** Decodes a controller's message (device side) and checks its State. */
export function readControllerMessage(
  data: Uint8Array,
  handshake: Handshake,
  state: number,
): TlvItems {
  const items = decodeTlv(data);
  if (items.has(TlvType.Error)) {
    throw new ProtocolError(`${handshake}: controller sent an error item in M${state}`);
  }
  checkState(items, handshake, state);
  return items;
}

function checkState(items: TlvItems, handshake: Handshake, state: number): void {
  const actual = items.getInteger(TlvType.State);
  if (actual !== state) {
    throw new ProtocolError(
      `${handshake}: expected M${state}, got ${actual === undefined ? "no state" : `M${actual}`}`,
    );
  }
}

/** The value of an item a message must carry. */
export function requireItem(
  items: TlvItems,
  type: number,
  what: string,
  where: string,
  length?: number,
): Uint8Array {
  const value = items.get(type);
  if (value === undefined) throw new ProtocolError(`${where} lacks the ${what}`);
  if (length !== undefined && value.length !== length) {
    throw new ProtocolError(`${where}: ${what} must be ${length} bytes, got ${value.length}`);
  }
  return value;
}

function deviceError(
  handshake: Handshake,
  state: number,
  code: number,
  backOffSeconds: number | undefined,
): AtvError {
  const name = `device error: ${tlvErrorName(code)}`;
  if (code === TlvErrorCode.BackOff) {
    const wait = backOffSeconds === undefined ? "" : ` ${backOffSeconds} s`;
    return new BackOffError(
      `${handshake}: device asks to wait${wait} before trying again (${name})`,
    );
  }
  if (handshake === "pair-verify") {
    return new AuthenticationError(`pair-verify: device rejected the credentials (${name})`);
  }
  return new PairingError(`pair-setup: ${setupReason(code, state)} (${name})`);
}

function setupReason(code: number, state: number): string {
  switch (code) {
    case TlvErrorCode.Authentication:
      return state === TlvState.M4 ? "wrong PIN" : "device rejected the pairing";
    case TlvErrorCode.MaxPeers:
      return "device cannot pair with more controllers";
    case TlvErrorCode.MaxTries:
      return "too many failed attempts";
    case TlvErrorCode.Unavailable:
      return "device does not accept pairing now";
    case TlvErrorCode.Busy:
      return "device is pairing with another controller";
    default:
      return "device refused to pair";
  }
}

/** An answer carrying only a State and an Error, as a device sends when a step fails. */
export function errorMessage(state: number, code: TlvErrorCode): Uint8Array {
  return encodeTlv([
    [TlvType.State, state],
    [TlvType.Error, code],
  ]);
}

/** Seals a sub-TLV under a label nonce such as "PS-Msg05". */
export function sealSubTlv(
  key: Uint8Array,
  label: string,
  entries: Iterable<TlvInput>,
): Uint8Array {
  return chacha20Seal(key, labelNonce(label), encodeTlv(entries));
}

/** Opens and decodes a sub-TLV sealed under a label nonce. */
export function openSubTlv(key: Uint8Array, label: string, sealed: Uint8Array): TlvItems {
  return decodeTlv(chacha20Open(key, labelNonce(label), sealed));
}

/** The key that seals the sub-TLVs of pair-verify. */
export function pairVerifyKey(secret: Uint8Array): Uint8Array {
  return hkdfSha512(secret, HapKdf.PairVerifyEncrypt.salt, HapKdf.PairVerifyEncrypt.info);
}

/** A key of pair-setup derived from the SRP session key. */
export function pairSetupKey(srpKey: Uint8Array, label: KdfLabel): Uint8Array {
  return hkdfSha512(srpKey, label.salt, label.info);
}
