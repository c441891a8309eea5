// TLV8 vocabulary of HAP pairing, per Apple's HAP specification (R2, §5.15) and pyatv's
// auth/hap_tlv8.py. pyatv calls the State item "SeqNo".

/** Item types of pairing TLV8 messages. */
export const TlvType = {
  Method: 0x00,
  Identifier: 0x01,
  Salt: 0x02,
  PublicKey: 0x03,
  Proof: 0x04,
  EncryptedData: 0x05,
  State: 0x06,
  Error: 0x07,
  BackOff: 0x08,
  Certificate: 0x09,
  Signature: 0x0a,
  Permissions: 0x0b,
  FragmentData: 0x0c,
  FragmentLast: 0x0d,
  /** Apple-internal: an OPACK dictionary with the controller's name (Companion, AirPlay). */
  Name: 0x11,
  /** Apple-internal: pairing flags (see `TlvFlags`). */
  Flags: 0x13,
  /** Zero-length item between two items of the same type. */
  Separator: 0xff,
} as const;
export type TlvType = (typeof TlvType)[keyof typeof TlvType];

/** Values of the Method item. */
export const TlvMethod = {
  PairSetup: 0x00,
  PairSetupWithAuth: 0x01,
  PairVerify: 0x02,
  AddPairing: 0x03,
  RemovePairing: 0x04,
  ListPairings: 0x05,
} as const;
export type TlvMethod = (typeof TlvMethod)[keyof typeof TlvMethod];

/** Values of the State item: which message of a handshake this is. */
export const TlvState = {
  M1: 0x01,
  M2: 0x02,
  M3: 0x03,
  M4: 0x04,
  M5: 0x05,
  M6: 0x06,
} as const;
export type TlvState = (typeof TlvState)[keyof typeof TlvState];

/** Values of the Error item a device answers with. */
export const TlvErrorCode = {
  Unknown: 0x01,
  Authentication: 0x02,
  BackOff: 0x03,
  MaxPeers: 0x04,
  MaxTries: 0x05,
  Unavailable: 0x06,
  Busy: 0x07,
} as const;
export type TlvErrorCode = (typeof TlvErrorCode)[keyof typeof TlvErrorCode];

/** Bits of the Flags item. */
export const TlvFlags = {
  /** Pair-setup without a stored pairing (AirPlay 2's "transient" mode, fixed PIN). */
  TransientPairing: 0x10,
} as const;
export type TlvFlags = (typeof TlvFlags)[keyof typeof TlvFlags];

/** The name of an error code, or its hex value if unknown (for messages). */
export function tlvErrorName(code: number): string {
  for (const [name, value] of Object.entries(TlvErrorCode)) {
    if (value === code) return name;
  }
  return `0x${code.toString(16).padStart(2, "0")}`;
}
