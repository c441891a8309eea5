// The device side of the pairing steps carried in CRYPTO_PAIRING_MESSAGEs, for one
// connection: pair-setup with the device's PIN, pair-verify of known clients only.

import { decodeTlv, type SessionKeys, TlvState, TlvType } from "@atv/hap";
import { PairSetupServer, PairVerifyServer } from "@atv/hap/server";
import { ProtocolError } from "@atv/interface";
import { MRP_READ_KEY_INFO, MRP_SESSION_SALT, MRP_WRITE_KEY_INFO } from "../auth.js";
import type { FakeMrpState } from "./state.js";

export interface FakeDeviceIdentity {
  /** The pairing identifier, which is also MRP's unique identifier. */
  readonly uniqueIdentifier: string;
  /** The device's long-term Ed25519 seed. */
  readonly seed: Uint8Array;
  readonly pin: string;
}

export interface PairingReply {
  /** TLV8 to send back in a CRYPTO_PAIRING_MESSAGE. */
  readonly data: Uint8Array;
  /** Set when this reply completes a pair-verify: the device's session keys. */
  readonly sessionKeys?: SessionKeys;
}

/**
 * Tells pair-setup from pair-verify by the first message, as pyatv's fake does: an M1
 * with a public key starts a verify, one with a method starts a setup. Malformed or
 * out-of-order messages throw ProtocolError (the connection is then closed).
 */
export class PairingResponder {
  readonly #identity: FakeDeviceIdentity;
  readonly #state: FakeMrpState;
  #setup: PairSetupServer | undefined;
  #verify: PairVerifyServer | undefined;
  #handshake: "setup" | "verify" | undefined;

  constructor(identity: FakeDeviceIdentity, state: FakeMrpState) {
    this.#identity = identity;
    this.#state = state;
  }

  handle(data: Uint8Array): PairingReply {
    const items = decodeTlv(data);
    const step = items.getInteger(TlvType.State);
    if (step === TlvState.M1) {
      this.#handshake = items.has(TlvType.PublicKey) ? "verify" : "setup";
      this.#setup = undefined;
      this.#verify = undefined;
    }
    if (this.#handshake === "setup") return this.#handleSetup(step, data);
    if (this.#handshake === "verify") return this.#handleVerify(step, data);
    throw new ProtocolError(`pairing message M${step ?? "?"} before any M1`);
  }

  #handleSetup(step: number | undefined, data: Uint8Array): PairingReply {
    switch (step) {
      case TlvState.M1:
        this.#setup = new PairSetupServer({
          identifier: this.#identity.uniqueIdentifier,
          seed: this.#identity.seed,
          pin: this.#identity.pin,
        });
        return { data: this.#setup.m2(data) };
      case TlvState.M3:
        return { data: this.#requireSetup().m4(data) };
      case TlvState.M5: {
        const setup = this.#requireSetup();
        const reply = setup.m6(data);
        if (setup.pairedClient) this.#state.addPairedClient(setup.pairedClient);
        return { data: reply };
      }
      default:
        throw new ProtocolError(`pair-setup: unexpected M${step ?? "?"}`);
    }
  }

  #handleVerify(step: number | undefined, data: Uint8Array): PairingReply {
    switch (step) {
      case TlvState.M1:
        this.#verify = new PairVerifyServer({
          identifier: this.#identity.uniqueIdentifier,
          seed: this.#identity.seed,
          clientPublicKey: (id) => this.#state.clientPublicKey(id),
        });
        return { data: this.#verify.m2(data) };
      case TlvState.M3: {
        const verify = this.#verify;
        if (verify === undefined) throw new ProtocolError("pair-verify: M3 before M1");
        const reply = verify.m4(data);
        const secret = verify.sharedSecret;
        if (secret === undefined || verify.clientId === undefined) return { data: reply };
        this.#state.markVerified(verify.clientId);
        // The device's output is what the client reads: the infos are swapped.
        return {
          data: reply,
          sessionKeys: secret.sessionKeys(MRP_SESSION_SALT, MRP_READ_KEY_INFO, MRP_WRITE_KEY_INFO),
        };
      }
      default:
        throw new ProtocolError(`pair-verify: unexpected M${step ?? "?"}`);
    }
  }

  #requireSetup(): PairSetupServer {
    if (this.#setup === undefined) throw new ProtocolError("pair-setup: step before M1");
    return this.#setup;
  }
}
