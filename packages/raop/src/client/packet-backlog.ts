// The last packets sent, kept so that a receiver can ask for lost ones again (pyatv keeps
// 1,000 in its PacketFifo). A ring indexed by sequence number: memory stays bounded and
// lookups are O(1), whatever the length of the stream. 1,024 slots (about 8 s of audio)
// divide 65,536, so the ring stays in step when sequence numbers wrap.

export const PACKET_BACKLOG_SIZE = 1024;

export class PacketBacklog {
  readonly #seqnos: Int32Array;
  readonly #packets: (Uint8Array | undefined)[];

  constructor(readonly size: number = PACKET_BACKLOG_SIZE) {
    this.#seqnos = new Int32Array(size).fill(-1);
    this.#packets = new Array(size);
  }

  add(seqno: number, packet: Uint8Array): void {
    const slot = seqno % this.size;
    this.#seqnos[slot] = seqno;
    this.#packets[slot] = packet;
  }

  /** The packet sent with `seqno` (0–65535), if it is among the last `size` sent. */
  get(seqno: number): Uint8Array | undefined {
    const slot = seqno % this.size;
    return this.#seqnos[slot] === seqno ? this.#packets[slot] : undefined;
  }

  clear(): void {
    this.#seqnos.fill(-1);
    this.#packets.fill(undefined);
  }
}
