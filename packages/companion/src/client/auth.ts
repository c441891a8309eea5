// HAP pair-setup and pair-verify carried in Companion auth frames (after pyatv's
// protocols/companion/auth.py and protocol.py, MIT): TLV8 in `_pd`, PS frames with
// `_pwTy: 1`, the first PV frame with `_auTy: 4`.

import {
  CredentialsType,
  type HapCredentials,
  PairSetupClient,
  PairVerifyClient,
  parseCredentials,
  type SessionKeys,
  TlvType,
} from "@atv/hap";
import { AuthenticationError, InvalidCredentialsError, ProtocolError } from "@atv/interface";
import { FrameType } from "../frame.js";
import { encodeOpack, type OpackDict, type OpackEncodable } from "../opack.js";
import type { CompanionProtocol, RequestOptions } from "./protocol.js";

/** Session key derivation of the Companion link (pyatv's SRP_SALT / OUTPUT / INPUT_INFO). */
export const COMPANION_SESSION_SALT = "";
export const COMPANION_OUTPUT_INFO = "ClientEncrypt-main";
export const COMPANION_INPUT_INFO = "ServerEncrypt-main";

const PAIRING_DATA_KEY = "_pd";

/**
 * Credentials for Companion from pyatv's string form; anything but full HAP credentials
 * (`ltpk:ltsk:atv_id:client_id`) is an InvalidCredentialsError.
 */
export function parseCompanionCredentials(text: string): HapCredentials {
  const credentials = parseCredentials(text);
  if (credentials.type !== CredentialsType.Hap) {
    throw new InvalidCredentialsError(
      `Companion needs HAP credentials (ltpk:ltsk:atv_id:client_id), got ${credentials.type} credentials`,
    );
  }
  return credentials;
}

/**
 * The TLV8 in an auth answer's `_pd`. None is an AuthenticationError and a `_pd` that is
 * not data a ProtocolError, as in pyatv; a device error item inside is left to the HAP
 * step that reads it (AuthenticationError, or PairingError for a wrong PIN).
 */
export function pairingData(answer: OpackDict): Uint8Array {
  const data = answer.get(PAIRING_DATA_KEY);
  if (data === undefined || data === null) {
    throw new AuthenticationError("no pairing data in the device's answer");
  }
  if (!(data instanceof Uint8Array)) {
    throw new ProtocolError(`pairing data is not bytes but ${typeof data}`);
  }
  if (data.length === 0) throw new AuthenticationError("empty pairing data in the device's answer");
  return data;
}

async function authStep(
  protocol: CompanionProtocol,
  frameType: FrameType,
  data: Record<string, OpackEncodable>,
  options: RequestOptions,
): Promise<Uint8Array> {
  return pairingData(await protocol.exchangeAuth(frameType, data, options));
}

export interface CompanionPairSetupOptions {
  /** The name the device lists this controller under (sent as OPACK `{name}` in M5). */
  name?: string;
  /** Our pairing identifier; a random UUID string by default. */
  clientId?: string;
}

/**
 * Pair-setup in two typed halves, as pyatv's CompanionPairSetupProcedure: `start()` sends
 * M1 (the device shows a PIN) and reads M2; `finish(pin)` sends M3 and M5 and returns the
 * new credentials from M6.
 */
export class CompanionPairSetup {
  readonly #protocol: CompanionProtocol;
  readonly #options: CompanionPairSetupOptions;
  readonly #client: PairSetupClient;

  constructor(protocol: CompanionProtocol, options: CompanionPairSetupOptions = {}) {
    this.#protocol = protocol;
    this.#options = options;
    this.#client = new PairSetupClient(
      options.clientId === undefined ? {} : { clientId: options.clientId },
    );
  }

  async start(options: RequestOptions = {}): Promise<void> {
    const m2 = await authStep(
      this.#protocol,
      FrameType.PS_Start,
      { _pd: this.#client.m1(), _pwTy: 1 },
      options,
    );
    this.#client.receiveM2(m2);
  }

  async finish(pin: string | number, options: RequestOptions = {}): Promise<HapCredentials> {
    const client = this.#client;
    const m4 = await authStep(
      this.#protocol,
      FrameType.PS_Next,
      { _pd: client.m3(pin), _pwTy: 1 },
      options,
    );
    const name = this.#options.name;
    const extra = name ? [[TlvType.Name, encodeOpack({ name })] as const] : [];
    const m6 = await authStep(
      this.#protocol,
      FrameType.PS_Next,
      { _pd: client.m5(m4, extra), _pwTy: 1 },
      options,
    );
    return client.finish(m6);
  }
}

/**
 * Pair-verify with stored credentials; returns the client's session keys (output seals
 * what we send). Credentials the device rejects are an AuthenticationError.
 */
export async function verifyCredentials(
  protocol: CompanionProtocol,
  credentials: HapCredentials,
  options: RequestOptions = {},
): Promise<SessionKeys> {
  const verifier = new PairVerifyClient(credentials);
  const m2 = await authStep(
    protocol,
    FrameType.PV_Start,
    { _pd: verifier.m1(), _auTy: 4 },
    options,
  );
  const m4 = await authStep(protocol, FrameType.PV_Next, { _pd: verifier.m3(m2) }, options);
  return verifier
    .finish(m4)
    .sessionKeys(COMPANION_SESSION_SALT, COMPANION_OUTPUT_INFO, COMPANION_INPUT_INFO);
}
