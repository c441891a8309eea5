import { ProtocolError } from "@atv/interface";

/** A datagram that is not a well-formed DNS message (truncated, bad lengths, loops...). */
export class MalformedPacketError extends ProtocolError {
  static override readonly code: string = "ERR_ATV_ZEROCONF_MALFORMED_PACKET";
  override readonly name: string = "MalformedPacketError";
}
