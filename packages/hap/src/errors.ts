import { ProtocolError } from "@atv/interface";

/**
 * Ciphertext failed its ChaCha20-Poly1305 authentication: tampered, truncated, or sealed
 * with another key or nonce. Nothing of it may be used.
 */
// A candidate for @atv/interface once a second package needs it.
export class DecryptionError extends ProtocolError {
  static override readonly code: string = "ERR_ATV_DECRYPTION";
  override readonly name: string = "DecryptionError";
}
