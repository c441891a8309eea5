// @atv/hap: HomeKit-style pairing and encrypted channels, controller side. The device side
// is at "@atv/hap/server".
export { bytesEqual, concatBytes } from "./bytes.js";
export {
  chacha20Open,
  chacha20Seal,
  counterNonce,
  labelNonce,
  NonceLayout,
} from "./chacha20.js";
export {
  CredentialsType,
  HapCredentials,
  type HapCredentialsParts,
  NO_CREDENTIALS,
  parseCredentials,
  TRANSIENT_CREDENTIALS,
} from "./credentials.js";
export {
  type Ed25519KeyPair,
  ed25519KeyPairFromSeed,
  ed25519Sign,
  ed25519Verify,
} from "./ed25519.js";
export { DecryptionError } from "./errors.js";
export { HAP_FRAME_LENGTH, HapFrameCipher } from "./frame-cipher.js";
export { HapSession, type HapSessionOptions } from "./hap-session.js";
export { HapKdf, hkdf, hkdfSha512, type KdfInput, type KdfLabel } from "./hkdf.js";
export { PairSetupClient, type PairSetupClientOptions } from "./pair-setup-client.js";
export { PairVerifyClient, type PairVerifyClientOptions } from "./pair-verify-client.js";
export { type SessionKeys, SharedSecret } from "./shared-secret.js";
export {
  hapSrpGroup,
  SRP_USERNAME,
  SrpClientSession,
  type SrpGroup,
  type SrpOptions,
} from "./srp.js";
export {
  TlvErrorCode,
  TlvFlags,
  TlvMethod,
  TlvState,
  TlvType,
  tlvErrorName,
} from "./tlv-types.js";
export { decodeTlv, encodeTlv, type TlvEntry, type TlvInput, TlvItems } from "./tlv8.js";
export {
  type X25519KeyPair,
  x25519KeyPair,
  x25519KeyPairFromPrivate,
  x25519SharedSecret,
} from "./x25519.js";
