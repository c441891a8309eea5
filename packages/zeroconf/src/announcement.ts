/**
 * One Zeroconf service as a device announces it: what the protocol fakes produce and the
 * responder publishes.
 */
export interface ServiceAnnouncement {
  /** Service type without the trailing dot, e.g. "_airplay._tcp.local". */
  readonly type: string;
  /** Instance name. */
  readonly name: string;
  readonly port: number;
  readonly properties: Readonly<Record<string, string>>;
}
