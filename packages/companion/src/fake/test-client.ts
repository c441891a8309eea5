// Test-only: a minimal Companion client over a real socket, speaking through the
// package's own frame, OPACK and message codecs, for the fake device's tests.

import { connect as netConnect, type Socket } from "node:net";
import { type HapCredentials, PairSetupClient, PairVerifyClient } from "@atv/hap";
import {
  CompanionCipher,
  type CompanionFrame,
  encodeFrame,
  FrameDecoder,
  FrameType,
} from "../frame.js";
import { type CompanionMessage, decodeMessage, encodeMessage, MessageType } from "../message.js";
import { decodeOpack, encodeOpack, type OpackEncodable, type OpackValue } from "../opack.js";

/** A minimal Companion client for these tests: frames over a real socket, nothing more. */
export class TestClient {
  readonly socket: Socket;
  readonly closed: Promise<void>;
  readonly events: CompanionMessage[] = [];
  readonly #decoder = new FrameDecoder();
  readonly #frames: CompanionFrame[] = [];
  #waiter: (() => void) | undefined;
  #cipher: CompanionCipher | undefined;
  #xid = 1;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on("error", () => {});
    socket.on("data", (chunk: Buffer) => {
      for (const frame of this.#decoder.push(chunk)) this.#frames.push(frame);
      this.#waiter?.();
    });
    this.closed = new Promise((resolve) => socket.once("close", () => resolve()));
    void this.closed.then(() => this.#waiter?.());
  }

  static async connect(port: number): Promise<TestClient> {
    const socket = netConnect({ host: "127.0.0.1", port });
    await new Promise((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    return new TestClient(socket);
  }

  async nextFrame(): Promise<CompanionFrame> {
    while (this.#frames.length === 0) {
      if (this.socket.destroyed) throw new Error("connection closed");
      await new Promise<void>((resolve) => {
        this.#waiter = resolve;
      });
    }
    const frame = this.#frames.shift() as CompanionFrame;
    return this.#cipher === undefined ? frame : this.#cipher.openFrame(frame);
  }

  /** Sends a pairing frame and returns the `_pd` of the answer. */
  async auth(type: number, dict: OpackEncodable): Promise<Uint8Array> {
    this.socket.write(encodeFrame(type, encodeOpack(dict)));
    const frame = await this.nextFrame();
    const answer = decodeOpack(frame.payload) as Map<OpackValue, OpackValue>;
    return answer.get("_pd") as Uint8Array;
  }

  async pair(pin: string): Promise<HapCredentials> {
    const setup = new PairSetupClient();
    setup.receiveM2(await this.auth(FrameType.PS_Start, { _pd: setup.m1(), _pwTy: 1 }));
    const m4 = await this.auth(FrameType.PS_Next, { _pd: setup.m3(pin), _pwTy: 1 });
    const m6 = await this.auth(FrameType.PS_Next, { _pd: setup.m5(m4), _pwTy: 1 });
    return setup.finish(m6);
  }

  async verify(credentials: HapCredentials): Promise<void> {
    const verify = new PairVerifyClient(credentials);
    const m2 = await this.auth(FrameType.PV_Start, { _pd: verify.m1(), _auTy: 4 });
    const m4 = await this.auth(FrameType.PV_Next, { _pd: verify.m3(m2) });
    const keys = verify.finish(m4).sessionKeys("", "ClientEncrypt-main", "ServerEncrypt-main");
    this.#cipher = new CompanionCipher(keys.outputKey, keys.inputKey);
  }

  send(type: number, identifier: string, content: OpackEncodable): number {
    const xid = this.#xid++;
    const payload = encodeMessage({ identifier, type, content, xid });
    const cipher = this.#cipher as CompanionCipher;
    this.socket.write(cipher.sealFrame(FrameType.E_OPACK, payload));
    return xid;
  }

  /** Sends a request and returns its response; events that come first are kept. */
  async request(identifier: string, content: OpackEncodable = {}): Promise<CompanionMessage> {
    const xid = this.send(MessageType.Request, identifier, content);
    for (;;) {
      const message = decodeMessage((await this.nextFrame()).payload);
      if (message.type === MessageType.Event) this.events.push(message);
      else if (message.xid === xid) return message;
    }
  }

  async nextEvent(): Promise<CompanionMessage> {
    const kept = this.events.shift();
    if (kept !== undefined) return kept;
    for (;;) {
      const message = decodeMessage((await this.nextFrame()).payload);
      if (message.type === MessageType.Event) return message;
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
