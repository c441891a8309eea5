// The device side of Companion pairing for one connection: pair-setup (PS_Start/PS_Next
// frames) with the device's PIN, pair-verify (PV_Start/PV_Next) of known clients only. The
// TLV8 travels in the `_pd` item of an OPACK dictionary (pyatv's
// pyatv/protocols/companion/auth.py and server_auth.py, MIT).

import { decodeTlv, type SessionKeys, TlvState, TlvType } from "@atv/hap";
import { PairSetupServer, PairVerifyServer } from "@atv/hap/server";
import { ProtocolError } from "@atv/interface";
import { FrameType } from "../frame.js";
import type { FakeCompanionState } from "./state.js";

/** HKDF infos of the E_OPACK keys (salt ""); the device reads what the client encrypts. */
export const COMPANION_CLIENT_KEY_INFO = "ClientEncrypt-main";
export const COMPANION_SERVER_KEY_INFO = "ServerEncrypt-main";

export interface FakeCompanionIdentity {
  /** The device's pairing identifier. */
  readonly identifier: string;
  /** The device's long-term Ed25519 seed (32 bytes). */
  readonly seed: Uint8Array;
  readonly pin: string;
}

export interface PairingAnswer {
  /** Frame type of the answer (always PS_Next or PV_Next). */
  readonly frameType: number;
  /** TLV8 for the answer's `_pd`. */
  readonly data: Uint8Array;
  /** Set when this answer completes a pair-verify: the device's E_OPACK keys. */
  readonly sessionKeys?: SessionKeys;
}

/**
 * One handshake at a time, told apart by frame type: PS_Start carries M1 of a setup,
 * PS_Next its M3 and M5; PV_Start carries M1 of a verify, PV_Next its M3. A frame out of
 * place or a malformed TLV throws ProtocolError (the connection is then dropped); a wrong
 * PIN or an unknown client is answered with the TLV error item, as a device does.
 */
export class CompanionPairingResponder {
  readonly #identity: FakeCompanionIdentity;
  readonly #state: FakeCompanionState;
  #setup: PairSetupServer | undefined;
  #verify: PairVerifyServer | undefined;

  constructor(identity: FakeCompanionIdentity, state: FakeCompanionState) {
    this.#identity = identity;
    this.#state = state;
  }

  handle(frameType: number, data: Uint8Array): PairingAnswer {
    const step = decodeTlv(data).getInteger(TlvType.State);
    switch (frameType) {
      case FrameType.PS_Start:
        return this.#setupM1(step, data);
      case FrameType.PS_Next:
        return this.#setupNext(step, data);
      case FrameType.PV_Start:
        return this.#verifyM1(step, data);
      case FrameType.PV_Next:
        return this.#verifyM3(step, data);
      default:
        throw new ProtocolError(`frame type ${frameType} is not a pairing frame`);
    }
  }

  #setupM1(step: number | undefined, data: Uint8Array): PairingAnswer {
    expectStep(step, TlvState.M1, "PS_Start");
    this.#verify = undefined;
    this.#setup = new PairSetupServer({
      identifier: this.#identity.identifier,
      seed: this.#identity.seed,
      pin: this.#identity.pin,
    });
    return { frameType: FrameType.PS_Next, data: this.#setup.m2(data) };
  }

  #setupNext(step: number | undefined, data: Uint8Array): PairingAnswer {
    const setup = this.#setup;
    if (setup === undefined) throw new ProtocolError("pair-setup: PS_Next before PS_Start");
    if (step === TlvState.M3) return { frameType: FrameType.PS_Next, data: setup.m4(data) };
    expectStep(step, TlvState.M5, "PS_Next");
    const answer = setup.m6(data);
    if (setup.pairedClient !== undefined) this.#state.addPairedClient(setup.pairedClient);
    return { frameType: FrameType.PS_Next, data: answer };
  }

  #verifyM1(step: number | undefined, data: Uint8Array): PairingAnswer {
    expectStep(step, TlvState.M1, "PV_Start");
    this.#setup = undefined;
    this.#verify = new PairVerifyServer({
      identifier: this.#identity.identifier,
      seed: this.#identity.seed,
      clientPublicKey: (id) => this.#state.clientPublicKey(id),
    });
    return { frameType: FrameType.PV_Next, data: this.#verify.m2(data) };
  }

  #verifyM3(step: number | undefined, data: Uint8Array): PairingAnswer {
    const verify = this.#verify;
    if (verify === undefined) throw new ProtocolError("pair-verify: PV_Next before PV_Start");
    expectStep(step, TlvState.M3, "PV_Next");
    const answer = verify.m4(data);
    const secret = verify.sharedSecret;
    if (secret === undefined) return { frameType: FrameType.PV_Next, data: answer };
    return {
      frameType: FrameType.PV_Next,
      data: answer,
      // The device's output is what the client reads: the infos are swapped.
      sessionKeys: secret.sessionKeys("", COMPANION_SERVER_KEY_INFO, COMPANION_CLIENT_KEY_INFO),
    };
  }
}

function expectStep(step: number | undefined, expected: number, frame: string): void {
  if (step !== expected) {
    throw new ProtocolError(`${frame} carries M${step ?? "?"}, expected M${expected}`);
  }
}
