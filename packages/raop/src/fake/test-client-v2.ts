// Test-only: a minimal AirPlay 2 audio sender for the fake receiver's tests, driven the
// way pyatv's airplayv2.py streams (verify, HAP framing, SETUP #1 with an event channel,
// SETUP #2 with shk, RECORD, FLUSH, sealed packets, resends of the sealed bytes), built
// from @atv/airplay's client pieces and the package's wire codecs.

import type { Socket as UdpSocket } from "node:dgram";
import type { Socket } from "node:net";
import {
  AirPlayPairingHandler,
  controlKeys,
  EVENTS_SALT,
  EVENTS_WRITE_INFO,
  EventChannel,
  eventsKeys,
  HttpConnection,
  hapPairVerify,
  RtspSession,
  transientPairVerify,
} from "@atv/airplay";
import { parseCredentials, type SharedSecret } from "@atv/hap";
import { PlainProperties, Protocol, Service } from "@atv/interface";
import { isPlistDictionary, type PlistDictionary, type PlistValue } from "@atv/plist";
import {
  streamSetupBody as clientStreamSetupBody,
  sessionSetupBody,
} from "../client/airplay2-stream.js";
import {
  encodeAudioHeader,
  pcmToL16,
  type RetransmitRequest,
  sealAudioPacketV2,
} from "../wire/index.js";
import { answerRetransmits, answerTiming, boundUdp, connectedTcp } from "./test-udp.js";

const SSRC = 0x2468ace0;
const REQUEST_TIMEOUT = 3000;
const BYTES_PER_PACKET = 352 * 4;

// The client's own SETUP bodies (its tests hold them to pyatv's values key by key), so the
// fake is driven with exactly what atv sends.
export { sessionSetupBody };

/** SETUP #2's stream, as the client sends it, with `overrides` in its stream entry. */
export function streamSetupBody(
  shk: Uint8Array,
  controlPort: number,
  overrides: PlistDictionary = {},
): PlistDictionary {
  const [stream] = clientStreamSetupBody(controlPort, shk, SSRC).streams as PlistDictionary[];
  return { streams: [{ ...stream, ...overrides }] };
}

/** Pairs with the receiver on a connection of its own; returns pyatv's credentials string. */
export async function pairWithPin(port: number, pin: string): Promise<string> {
  const service = new Service({
    protocol: Protocol.RAOP,
    port,
    properties: new PlainProperties({ ft: "0x4A7FDFD5,0xBC177FDE" }),
  });
  const handler = new AirPlayPairingHandler({
    service,
    timeout: REQUEST_TIMEOUT,
    connect: async () => {
      const connection = await HttpConnection.connect("127.0.0.1", port, {
        requestTimeout: REQUEST_TIMEOUT,
      });
      return { exchange: connection.exchange, close: () => connection.close() };
    },
  });
  try {
    await handler.begin();
    handler.pin(pin);
    await handler.finish();
  } finally {
    await handler.close();
  }
  return service.credentials as string;
}

export class RaopV2TestClient {
  /** The TCP socket under `connection`, for tests that write raw bytes. */
  readonly socket: Socket;
  readonly connection: HttpConnection;
  readonly rtsp: RtspSession;
  readonly control: UdpSocket;
  readonly timing: UdpSocket;
  readonly audio: UdpSocket;
  /** Resend requests the receiver sent, in order. */
  readonly retransmitRequests: RetransmitRequest[] = [];
  /** Sealed packets by sequence number, for resends. */
  readonly sent = new Map<number, Uint8Array>();
  secret: SharedSecret | undefined;
  events: EventChannel | undefined;
  /** Requests the receiver sent on the event channel. */
  eventRequests = 0;
  #ports: { data: number; control: number } | undefined;
  #key: Uint8Array | undefined;
  #counter = 0;

  private constructor(socket: Socket, udp: [UdpSocket, UdpSocket, UdpSocket]) {
    this.socket = socket;
    const connection = new HttpConnection(socket, { requestTimeout: REQUEST_TIMEOUT });
    this.connection = connection;
    this.rtsp = new RtspSession(connection);
    [this.control, this.timing, this.audio] = udp;
    answerRetransmits(this.control, this.sent, this.retransmitRequests);
    answerTiming(this.timing);
  }

  static async connect(port: number): Promise<RaopV2TestClient> {
    const socket = await connectedTcp(port);
    const udp = await Promise.all([boundUdp(), boundUdp(), boundUdp()]);
    return new RaopV2TestClient(socket, udp);
  }

  /** The audio key pyatv derives (Events-Salt / Events-Write-Encryption-Key). */
  get shk(): Uint8Array {
    if (this.secret === undefined) throw new Error("not verified");
    return this.secret.deriveKey(EVENTS_SALT, EVENTS_WRITE_INFO);
  }

  /** Verifies with stored credentials (or transiently) and turns on HAP framing. */
  async verify(credentials?: string): Promise<void> {
    const options = { timeout: REQUEST_TIMEOUT };
    const secret =
      credentials === undefined
        ? await transientPairVerify(this.connection.exchange, options)
        : await hapPairVerify(parseCredentials(credentials), this.connection.exchange, options);
    this.secret = secret;
    const keys = controlKeys(secret);
    this.connection.enableEncryption(keys.outputKey, keys.inputKey);
  }

  /** SETUP #1, then the event channel to the port it names. */
  async setupSession(): Promise<PlistDictionary> {
    const answer = await this.rtsp.setup(sessionSetupBody(this.timing.address().port));
    if (!isPlistDictionary(answer)) throw new Error("SETUP #1: not a dictionary");
    const secret = this.secret;
    if (secret === undefined) throw new Error("not verified");
    const socket = await connectedTcp(Number(answer.eventPort));
    this.events = new EventChannel(socket, eventsKeys(secret), {
      onRequest: () => {
        this.eventRequests += 1;
      },
    });
    return answer;
  }

  /** SETUP #2; remembers the receiver's data and control ports. */
  async setupStream(overrides: PlistDictionary = {}): Promise<PlistDictionary> {
    const key = this.shk;
    const answer = await this.rtsp.setup(
      streamSetupBody(key, this.control.address().port, overrides),
    );
    if (!isPlistDictionary(answer)) throw new Error("SETUP #2: not a dictionary");
    const stream = Array.isArray(answer.streams) ? answer.streams[0] : undefined;
    if (!isPlistDictionary(stream)) throw new Error("SETUP #2: no stream");
    this.#ports = { data: Number(stream.dataPort), control: Number(stream.controlPort) };
    this.#key = key;
    this.#counter = 0;
    return answer;
  }

  /** RECORD, then FLUSH with RTP-Info, as pyatv's send_audio does. */
  async record(firstSeqno: number): Promise<void> {
    await this.rtsp.record();
    await this.rtsp.exchange("FLUSH", {
      headers: { Range: "npt=0-", Session: 0, "RTP-Info": `seq=${firstSeqno};rtptime=0` },
    });
  }

  /** Full session: verify (transient unless credentials), SETUP #1, SETUP #2, RECORD. */
  async start(firstSeqno: number, credentials?: string): Promise<void> {
    await this.verify(credentials);
    await this.setupSession();
    await this.setupStream();
    await this.record(firstSeqno);
  }

  /** Seals PCM (s16le) as packets of up to 352 frames from `firstSeqno`; returns the next. */
  sendPcm(
    pcm: Uint8Array,
    firstSeqno: number,
    options: { skip?: (seqno: number) => boolean } = {},
    firstPacket = 0,
  ): number {
    let seqno = firstSeqno & 0xffff;
    for (let offset = 0, i = firstPacket; offset < pcm.length; offset += BYTES_PER_PACKET, i++) {
      const chunk = pcm.subarray(offset, offset + BYTES_PER_PACKET);
      const packet = this.seal(seqno, i * 352, chunk, i === 0);
      this.sent.set(seqno, packet);
      if (!options.skip?.(seqno)) this.sendPacket(packet);
      seqno = (seqno + 1) & 0xffff;
    }
    return seqno;
  }

  /** As sendPcm, yielding every 32 packets so that a long burst does not overrun UDP buffers. */
  async sendPcmPaced(pcm: Uint8Array, firstSeqno: number): Promise<number> {
    const step = 32 * BYTES_PER_PACKET;
    let seqno = firstSeqno & 0xffff;
    for (let offset = 0; offset < pcm.length; offset += step) {
      seqno = this.sendPcm(
        pcm.subarray(offset, offset + step),
        seqno,
        {},
        offset / BYTES_PER_PACKET,
      );
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    return seqno;
  }

  /** One sealed packet with the next counter. */
  seal(seqno: number, timestamp: number, pcm: Uint8Array, marker = false): Uint8Array {
    const key = this.#key;
    if (key === undefined) throw new Error("no stream set up");
    const header = encodeAudioHeader({ marker, seqno, timestamp, ssrc: SSRC });
    return sealAudioPacketV2(key, this.#counter++, header, pcmToL16(pcm));
  }

  sendPacket(packet: Uint8Array): void {
    const ports = this.#ports;
    if (ports === undefined) throw new Error("no stream set up");
    this.audio.send(packet, ports.data, "127.0.0.1");
  }

  /** An RTSP request with the session's headers; any status comes back (none throws). */
  request(
    method: string,
    options: {
      uri?: string;
      headers?: Record<string, string | number>;
      body?: Uint8Array | PlistValue;
      contentType?: string;
    } = {},
  ) {
    return this.rtsp.exchange(method, { ...options, allowErrorStatus: true });
  }

  close(): void {
    this.events?.close();
    this.connection.close();
    for (const udp of [this.control, this.timing, this.audio]) udp.close();
  }
}
