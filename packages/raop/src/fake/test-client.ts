// Test-only: a minimal AirPlay 1 sender over real sockets, built from the package's wire
// codecs, for the fake receiver's tests (the real client is tested against the fake
// elsewhere). It answers resend requests from everything it sent and timing requests.

import type { Socket as UdpSocket } from "node:dgram";
import type { Socket } from "node:net";
import { encodeRequest, type HttpResponse, HttpResponseParser } from "@atv/airplay";
import {
  buildSdp,
  encodeAlacFrame,
  encodeAudioPacket,
  pcmToL16,
  type RetransmitRequest,
} from "../wire/index.js";
import { answerRetransmits, answerTiming, boundUdp, connectedTcp } from "./test-udp.js";

const SSRC = 0x12345678;

export class RaopTestClient {
  readonly socket: Socket;
  readonly control: UdpSocket;
  readonly timing: UdpSocket;
  readonly audio: UdpSocket;
  /** Resend requests the receiver sent, in order. */
  readonly retransmitRequests: RetransmitRequest[] = [];
  /** Timing requests the receiver sent. */
  timingRequests = 0;
  /** Sent packets by sequence number, for resends. */
  readonly sent = new Map<number, Uint8Array>();
  readonly #parser = new HttpResponseParser();
  readonly #responses: HttpResponse[] = [];
  #waiter: (() => void) | undefined;
  #cseq = 0;
  #serverPorts: { audio: number; control: number } | undefined;
  /** Answer resend requests (off: the receiver gives the packets up). */
  resend = true;

  private constructor(socket: Socket, control: UdpSocket, timing: UdpSocket, audio: UdpSocket) {
    this.socket = socket;
    this.control = control;
    this.timing = timing;
    this.audio = audio;
    socket.on("error", () => {});
    socket.on("data", (chunk: Buffer) => {
      try {
        this.#responses.push(...this.#parser.push(chunk));
      } catch {
        socket.destroy();
      }
      this.#waiter?.();
    });
    socket.on("close", () => this.#waiter?.());
    answerRetransmits(control, this.sent, this.retransmitRequests, () => this.resend);
    answerTiming(timing, () => {
      this.timingRequests += 1;
    });
  }

  static async connect(port: number): Promise<RaopTestClient> {
    const socket = await connectedTcp(port);
    const udp = await Promise.all([boundUdp(), boundUdp(), boundUdp()]);
    return new RaopTestClient(socket, ...udp);
  }

  get uri(): string {
    return "rtsp://127.0.0.1/1234";
  }

  /** Sends one request and waits for its response (undefined: the receiver hung up). */
  async request(
    method: string,
    options: { uri?: string; headers?: Record<string, string>; body?: Uint8Array | string } = {},
  ): Promise<HttpResponse | undefined> {
    const body =
      typeof options.body === "string" ? new TextEncoder().encode(options.body) : options.body;
    this.socket.write(
      encodeRequest({
        method,
        uri: options.uri ?? this.uri,
        protocol: "RTSP/1.0",
        headers: { CSeq: this.#cseq++, ...options.headers },
        ...(body ? { body } : {}),
      }),
    );
    return this.response();
  }

  /** Writes raw bytes (malformed requests). */
  write(bytes: Uint8Array | string): void {
    this.socket.write(bytes);
  }

  async response(): Promise<HttpResponse | undefined> {
    for (;;) {
      const next = this.#responses.shift();
      if (next) return next;
      if (this.socket.destroyed || this.socket.readableEnded) return undefined;
      await new Promise<void>((resolve) => {
        this.#waiter = resolve;
      });
      this.#waiter = undefined;
    }
  }

  /** ANNOUNCE, SETUP and RECORD; fails on any status but 200. */
  async start(
    format: "alac" | "l16",
    firstSeqno: number,
    headers: Record<string, string> = {},
  ): Promise<void> {
    const sdp = buildSdp({
      sessionId: "1234",
      localAddress: "127.0.0.1",
      remoteAddress: "127.0.0.1",
      format,
    });
    await this.#ok("ANNOUNCE", { "Content-Type": "application/sdp", ...headers }, sdp);
    const setup = await this.#ok("SETUP", {
      Transport:
        "RTP/AVP/UDP;unicast;interleaved=0-1;mode=record;" +
        `control_port=${this.control.address().port};timing_port=${this.timing.address().port}`,
      ...headers,
    });
    const transport = setup.headers.transport ?? "";
    const port = (name: string): number =>
      Number(new RegExp(`${name}=(\\d+)`).exec(transport)?.[1]);
    this.#serverPorts = { audio: port("server_port"), control: port("control_port") };
    const session = setup.headers.session ?? "";
    await this.#ok("RECORD", {
      Session: session,
      "RTP-Info": `seq=${firstSeqno};rtptime=0`,
      ...headers,
    });
  }

  /** Sends PCM as audio packets of up to 352 frames from `firstSeqno` (wrapping at 16 bits). */
  sendPcm(
    format: "alac" | "l16",
    pcm: Uint8Array,
    firstSeqno: number,
    options: { skip?: (seqno: number) => boolean; order?: (packets: number[]) => number[] } = {},
  ): number {
    const seqnos: number[] = [];
    const bytesPerPacket = 352 * 4;
    for (let offset = 0, i = 0; offset < pcm.length; offset += bytesPerPacket, i++) {
      const seqno = (firstSeqno + i) & 0xffff;
      const chunk = pcm.subarray(offset, offset + bytesPerPacket);
      const payload = format === "alac" ? encodeAlacFrame(chunk) : pcmToL16(chunk);
      this.sent.set(
        seqno,
        encodeAudioPacket({ marker: i === 0, seqno, timestamp: i * 352, ssrc: SSRC, payload }),
      );
      seqnos.push(seqno);
    }
    for (const seqno of options.order ? options.order(seqnos) : seqnos) {
      if (options.skip?.(seqno)) continue;
      this.sendPacket(this.sent.get(seqno) as Uint8Array);
    }
    return (firstSeqno + seqnos.length) & 0xffff;
  }

  sendPacket(packet: Uint8Array): void {
    const ports = this.#serverPorts;
    if (ports === undefined) throw new Error("not set up");
    this.audio.send(packet, ports.audio, "127.0.0.1");
  }

  sendControl(packet: Uint8Array): void {
    const ports = this.#serverPorts;
    if (ports === undefined) throw new Error("not set up");
    this.control.send(packet, ports.control, "127.0.0.1");
  }

  close(): void {
    this.socket.destroy();
    for (const udp of [this.control, this.timing, this.audio]) udp.close();
  }

  async #ok(method: string, headers: Record<string, string>, body?: string): Promise<HttpResponse> {
    const response = await this.request(method, { headers, ...(body ? { body } : {}) });
    if (response?.status !== 200) throw new Error(`${method}: ${response?.status ?? "hung up"}`);
    return response;
  }
}
