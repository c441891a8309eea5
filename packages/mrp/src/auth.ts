// HAP pairing steps carried in CRYPTO_PAIRING_MESSAGEs (pyatv's protocols/mrp/auth.py).

import {
  CredentialsType,
  type HapCredentials,
  PairVerifyClient,
  parseCredentials,
  type SessionKeys,
} from "@atv/hap";
import { InvalidCredentialsError, ProtocolError } from "@atv/interface";
import { MessageType } from "./protobuf/generated/enums.js";
import { cryptoPairingMessage } from "./protobuf/messages.js";
import { messageTypeName, payloadOf } from "./protobuf/payloads.js";
import type { MrpProtocol, RequestOptions } from "./protocol.js";

// Session key labels of MRP (pyatv's protocols/mrp/protocol.py); the device swaps the infos.
export const MRP_SESSION_SALT = "MediaRemote-Salt";
export const MRP_WRITE_KEY_INFO = "MediaRemote-Write-Encryption-Key";
export const MRP_READ_KEY_INFO = "MediaRemote-Read-Encryption-Key";

/**
 * Credentials for MRP from pyatv's string form; anything but full HAP credentials
 * (`ltpk:ltsk:atv_id:client_id`) is an InvalidCredentialsError.
 */
export function parseMrpCredentials(text: string): HapCredentials {
  const credentials = parseCredentials(text);
  if (credentials.type !== CredentialsType.Hap) {
    throw new InvalidCredentialsError(
      `MRP needs HAP credentials (ltpk:ltsk:atv_id:client_id), got ${credentials.type} credentials`,
    );
  }
  return credentials;
}

export interface CryptoExchangeOptions extends RequestOptions {
  /** Marks the first message of pair-setup (pyatv sets state 2 on it only). */
  isPairing?: boolean;
}

/** Sends one pairing step and returns the TLV8 data of the device's answer. */
export async function cryptoExchange(
  protocol: MrpProtocol,
  pairingData: Uint8Array,
  { isPairing, ...options }: CryptoExchangeOptions = {},
): Promise<Uint8Array> {
  const response = await protocol.sendAndReceive(
    cryptoPairingMessage(pairingData, { isPairing: isPairing ?? false }),
    options,
  );
  const data = payloadOf(response, MessageType.CRYPTO_PAIRING_MESSAGE)?.pairingData;
  if (!data) {
    throw new ProtocolError(
      `expected pairing data in CRYPTO_PAIRING_MESSAGE, got ${messageTypeName(response.type)}`,
    );
  }
  return data;
}

/**
 * Pair-verify with stored credentials; returns the session keys of the client side.
 * Credentials the device rejects are an AuthenticationError.
 */
export async function verifyCredentials(
  protocol: MrpProtocol,
  credentials: HapCredentials,
  options: RequestOptions = {},
): Promise<SessionKeys> {
  const verifier = new PairVerifyClient(credentials);
  const m2 = await cryptoExchange(protocol, verifier.m1(), options);
  const m4 = await cryptoExchange(protocol, verifier.m3(m2), options);
  return verifier.finish(m4).sessionKeys(MRP_SESSION_SALT, MRP_WRITE_KEY_INFO, MRP_READ_KEY_INFO);
}
