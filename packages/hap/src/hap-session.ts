import { chacha20Open, chacha20Seal, counterNonce, NonceLayout } from "./chacha20.js";

export interface HapSessionOptions {
  /** How counters become nonces; default `NonceLayout.Counter64` (MRP, AirPlay, HAP). */
  readonly nonce?: NonceLayout;
}

/**
 * An encrypted session after pair-verify: ChaCha20-Poly1305 with one key and one message
 * counter per direction, each counter starting at zero and advancing once per message.
 */
export class HapSession {
  readonly #outputKey: Uint8Array;
  readonly #inputKey: Uint8Array;
  readonly #layout: NonceLayout;
  #outputCounter = 0n;
  #inputCounter = 0n;

  constructor(outputKey: Uint8Array, inputKey: Uint8Array, options: HapSessionOptions = {}) {
    if (outputKey.length !== 32 || inputKey.length !== 32) {
      throw new RangeError("session keys are 32 bytes");
    }
    this.#outputKey = outputKey.slice();
    this.#inputKey = inputKey.slice();
    this.#layout = options.nonce ?? NonceLayout.Counter64;
  }

  /** How many messages have been encrypted. */
  get outputCounter(): bigint {
    return this.#outputCounter;
  }

  /** How many messages have been decrypted. */
  get inputCounter(): bigint {
    return this.#inputCounter;
  }

  /** Encrypts the next outgoing message; returns ciphertext and tag. */
  encrypt(plaintext: Uint8Array, aad?: Uint8Array): Uint8Array {
    const sealed = chacha20Seal(
      this.#outputKey,
      counterNonce(this.#outputCounter, this.#layout),
      plaintext,
      aad,
    );
    this.#outputCounter++;
    return sealed;
  }

  /**
   * Decrypts the next incoming message. A bad tag is a DecryptionError and leaves the
   * counter where it was.
   */
  decrypt(ciphertextWithTag: Uint8Array, aad?: Uint8Array): Uint8Array {
    const plaintext = chacha20Open(
      this.#inputKey,
      counterNonce(this.#inputCounter, this.#layout),
      ciphertextWithTag,
      aad,
    );
    this.#inputCounter++;
    return plaintext;
  }
}
