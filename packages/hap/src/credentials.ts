import { InvalidCredentialsError } from "@atv/interface";

/** What a set of credentials is for (pyatv's `AuthenticationType`). */
export const CredentialsType = {
  /** No credentials at all. */
  Null: "null",
  /** AirPlay's legacy SRP pairing: only a seed and a client identifier. */
  Legacy: "legacy",
  /** A HAP pairing: both long-term keys and both identifiers. */
  Hap: "hap",
  /** AirPlay 2's transient pairing: nothing stored, marked by ltpk "transient". */
  Transient: "transient",
} as const;
export type CredentialsType = (typeof CredentialsType)[keyof typeof CredentialsType];

export interface HapCredentialsParts {
  /** The device's long-term Ed25519 public key. */
  readonly ltpk?: Uint8Array;
  /** The client's long-term Ed25519 seed (32 bytes; not a 64-byte NaCl secret key). */
  readonly ltsk?: Uint8Array;
  /** The device's pairing identifier. */
  readonly atvId?: Uint8Array;
  /** The client's pairing identifier. */
  readonly clientId?: Uint8Array;
}

const TRANSIENT_MARK = new TextEncoder().encode("transient");
const KEY_LENGTH = 32;

/**
 * Identifiers and long-term keys of a pairing, in pyatv's string form
 * `ltpk:ltsk:atv_id:client_id` (each part hex), so credentials move between pyatv and atv.
 */
export class HapCredentials {
  readonly ltpk: Uint8Array;
  readonly ltsk: Uint8Array;
  readonly atvId: Uint8Array;
  readonly clientId: Uint8Array;
  readonly type: CredentialsType;

  /** Throws InvalidCredentialsError if the parts make no known kind of credentials. */
  constructor(parts: HapCredentialsParts = {}) {
    this.ltpk = parts.ltpk?.slice() ?? new Uint8Array(0);
    this.ltsk = parts.ltsk?.slice() ?? new Uint8Array(0);
    this.atvId = parts.atvId?.slice() ?? new Uint8Array(0);
    this.clientId = parts.clientId?.slice() ?? new Uint8Array(0);
    this.type = typeOf(this);
  }

  /** pyatv's string form: the four parts in lowercase hex, joined by colons. */
  toString(): string {
    return [this.ltpk, this.ltsk, this.atvId, this.clientId].map(toHex).join(":");
  }

  equals(other: HapCredentials): boolean {
    return this.toString() === other.toString();
  }
}

function typeOf(c: HapCredentials): CredentialsType {
  const ltpk = c.ltpk.length;
  const ltsk = c.ltsk.length;
  const atvId = c.atvId.length;
  const clientId = c.clientId.length;
  if (ltpk === 0 && ltsk === 0 && atvId === 0 && clientId === 0) return CredentialsType.Null;
  if (Buffer.from(c.ltpk).equals(TRANSIENT_MARK)) return CredentialsType.Transient;
  // pyatv's rules (auth/hap_pairing.py) plus key lengths, so a bad key fails here and
  // not halfway through a handshake.
  if (ltpk === 0 && atvId === 0 && ltsk > 0 && clientId > 0) {
    requireKeyLength("ltsk", ltsk);
    return CredentialsType.Legacy;
  }
  if (ltpk > 0 && ltsk > 0 && atvId > 0 && clientId > 0) {
    requireKeyLength("ltpk", ltpk);
    requireKeyLength("ltsk", ltsk);
    return CredentialsType.Hap;
  }
  throw new InvalidCredentialsError("invalid credentials: parts match no credentials type");
}

function requireKeyLength(name: string, length: number): void {
  if (length !== KEY_LENGTH) {
    throw new InvalidCredentialsError(
      `invalid credentials: ${name} must be ${KEY_LENGTH} bytes, got ${length}`,
    );
  }
}

/** No credentials (pyatv's `NO_CREDENTIALS`). */
export const NO_CREDENTIALS: HapCredentials = new HapCredentials();

/** The marker credentials of AirPlay 2's transient pairing (pyatv's `TRANSIENT_CREDENTIALS`). */
export const TRANSIENT_CREDENTIALS: HapCredentials = new HapCredentials({ ltpk: TRANSIENT_MARK });

/**
 * Parses credentials as pyatv writes them: `ltpk:ltsk:atv_id:client_id`, or AirPlay's older
 * two-part legacy form `client_id:ltsk`. Hex of either case; surrounding whitespace is
 * ignored. Anything else throws InvalidCredentialsError.
 */
export function parseCredentials(text: string): HapCredentials {
  const parts = text.trim().split(":");
  if (parts.length === 2) {
    const [clientId, ltsk] = parts.map(fromHex);
    return new HapCredentials({ ltsk, clientId });
  }
  if (parts.length === 4) {
    const [ltpk, ltsk, atvId, clientId] = parts.map(fromHex);
    return new HapCredentials({ ltpk, ltsk, atvId, clientId });
  }
  throw new InvalidCredentialsError(
    `invalid credentials: expected 4 (or 2) parts separated by ":", got ${parts.length}`,
  );
}

function fromHex(part: string): Uint8Array {
  if (part.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(part)) {
    throw new InvalidCredentialsError("invalid credentials: a part is not hex");
  }
  return new Uint8Array(Buffer.from(part, "hex"));
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}
