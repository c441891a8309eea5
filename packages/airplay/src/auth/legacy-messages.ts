// The binary-plist bodies of legacy /pair-setup-pin, as typed messages (field names from
// pyatv's protocols/airplay/auth/legacy.py and the device answers its tests recorded).
// Decoding checks every field, so no step handles an unchecked dictionary.

import { ProtocolError } from "@atv/interface";
import { decodePlist, encodePlist, type PlistDictionary, plistDict } from "@atv/plist";

/** Step 1, client → device: start SRP for this user (the client id in upper-case hex). */
export interface LegacyPinRequest {
  readonly user: string;
}

/** Step 1, device → client: its SRP public value and salt. */
export interface LegacySrpChallenge {
  readonly pk: Uint8Array;
  readonly salt: Uint8Array;
}

/** Step 2, client → device: its SRP public value and proof. */
export interface LegacySrpProof {
  readonly pk: Uint8Array;
  readonly proof: Uint8Array;
}

/** Step 2, device → client: the device's SRP proof. */
export interface LegacySrpAnswer {
  readonly proof: Uint8Array;
}

/** Step 3, both ways: a long-term Ed25519 public key sealed with AES-GCM, and its tag. */
export interface LegacySealedKey {
  readonly epk: Uint8Array;
  readonly authTag: Uint8Array;
}

export function encodePinRequest(message: LegacyPinRequest): Uint8Array {
  return encodePlist({ method: "pin", user: message.user });
}

export function decodePinRequest(body: Uint8Array): LegacyPinRequest {
  const dict = decodeDict(body, "pin request");
  if (text(dict, "method", "pin request") !== "pin") {
    throw new ProtocolError('legacy pair-setup: pin request has a method other than "pin"');
  }
  return { user: text(dict, "user", "pin request") };
}

export function encodeSrpChallenge(message: LegacySrpChallenge): Uint8Array {
  return encodePlist({ pk: message.pk, salt: message.salt });
}

export function decodeSrpChallenge(body: Uint8Array): LegacySrpChallenge {
  const dict = decodeDict(body, "SRP challenge");
  return { pk: data(dict, "pk", "SRP challenge"), salt: data(dict, "salt", "SRP challenge") };
}

export function encodeSrpProof(message: LegacySrpProof): Uint8Array {
  return encodePlist({ pk: message.pk, proof: message.proof });
}

export function decodeSrpProof(body: Uint8Array): LegacySrpProof {
  const dict = decodeDict(body, "SRP proof");
  return { pk: data(dict, "pk", "SRP proof"), proof: data(dict, "proof", "SRP proof") };
}

export function encodeSrpAnswer(message: LegacySrpAnswer): Uint8Array {
  return encodePlist({ proof: message.proof });
}

export function decodeSrpAnswer(body: Uint8Array): LegacySrpAnswer {
  return { proof: data(decodeDict(body, "SRP answer"), "proof", "SRP answer") };
}

export function encodeSealedKey(message: LegacySealedKey): Uint8Array {
  return encodePlist({ epk: message.epk, authTag: message.authTag });
}

/** A sealed key; undefined for an empty body (pyatv reads nothing from this answer). */
export function decodeSealedKey(body: Uint8Array): LegacySealedKey | undefined {
  if (body.length === 0) return undefined;
  const dict = decodeDict(body, "sealed key");
  return { epk: data(dict, "epk", "sealed key"), authTag: data(dict, "authTag", "sealed key") };
}

function decodeDict(body: Uint8Array, what: string): PlistDictionary {
  return plistDict(decodePlist(body), `legacy pair-setup: ${what}`);
}

function data(dict: PlistDictionary, key: string, what: string): Uint8Array {
  const value = dict[key];
  if (!(value instanceof Uint8Array)) {
    throw new ProtocolError(`legacy pair-setup: ${what} lacks data "${key}"`);
  }
  return value;
}

function text(dict: PlistDictionary, key: string, what: string): string {
  const value = dict[key];
  if (typeof value !== "string") {
    throw new ProtocolError(`legacy pair-setup: ${what} lacks text "${key}"`);
  }
  return value;
}
