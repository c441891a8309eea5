// One client's connection to a fake Companion device: frames in clear until pair-verify,
// then E_OPACK frames sealed both ways. Strict: anything a device would not expect (a
// malformed frame, an encrypted request before verify, a bad tag) drops the connection.

import type { Socket } from "node:net";
import { type Logger, ProtocolError } from "@atv/interface";
import {
  CompanionCipher,
  type CompanionFrame,
  encodeFrame,
  FrameDecoder,
  FrameType,
} from "../frame.js";
import { decodeMessage, MessageType } from "../message.js";
import { decodeOpack, encodeOpack, type OpackEncodable, type OpackValue } from "../opack.js";
import { CompanionPairingResponder, type FakeCompanionIdentity } from "./pairing.js";
import {
  FakeCompanionRequests,
  type FakeDeviceDescription,
  type FakeRequestOutcome,
} from "./requests.js";
import type { FakeCompanionConnectionHandle, FakeCompanionState } from "./state.js";

export interface FakeCompanionConfig {
  readonly identity: FakeCompanionIdentity;
  readonly device: FakeDeviceDescription;
  /** Milliseconds without a byte from the client before the device hangs up. */
  readonly idleTimeout: number;
  /** The longest frame payload accepted; longer drops the connection. */
  readonly maxFrameLength: number;
  readonly logger: Logger;
}

const PAIRING_FRAMES: ReadonlySet<number> = new Set([
  FrameType.PS_Start,
  FrameType.PS_Next,
  FrameType.PV_Start,
  FrameType.PV_Next,
]);
/** Bounds on what one decoded OPACK payload may hold. */
const OPACK_LIMITS = { maxDepth: 16, maxItems: 10_000 } as const;

export class FakeCompanionConnection implements FakeCompanionConnectionHandle {
  /** Events this client registered for with `_interest`. */
  readonly interests = new Set<string>();
  readonly #socket: Socket;
  readonly #logger: Logger;
  readonly #decoder: FrameDecoder;
  readonly #pairing: CompanionPairingResponder;
  readonly #requests: FakeCompanionRequests;
  #cipher: CompanionCipher | undefined;
  #eventXid = 1;
  #closed = false;

  constructor(socket: Socket, state: FakeCompanionState, config: FakeCompanionConfig) {
    this.#socket = socket;
    this.#logger = config.logger;
    this.#decoder = new FrameDecoder({ maxPayloadLength: config.maxFrameLength });
    this.#pairing = new CompanionPairingResponder(config.identity, state);
    this.#requests = new FakeCompanionRequests(state, config.device, config.logger);
    state.addConnection(this);
    socket.setNoDelay(true);
    socket.setTimeout(config.idleTimeout, () => {
      this.#logger.debug("fake companion: client idle, hanging up");
      this.drop();
    });
    socket.on("data", (chunk: Buffer) => this.#receive(chunk));
    socket.on("error", (error) => this.#logger.debug("fake companion: %s", error.message));
    socket.once("close", () => {
      this.#closed = true;
      state.removeConnection(this);
    });
  }

  /** Whether the client passed pair-verify (frames are now encrypted). */
  get verified(): boolean {
    return this.#cipher !== undefined;
  }

  drop(): void {
    this.#closed = true;
    this.#socket.destroy();
  }

  sendEvent(identifier: string, content: OpackEncodable): void {
    if (this.interests.has(identifier)) this.sendUnsolicitedEvent(identifier, content);
  }

  sendUnsolicitedEvent(identifier: string, content: OpackEncodable): void {
    this.#sendMessage(
      new Map<OpackEncodable, OpackEncodable>([
        ["_i", identifier],
        ["_t", MessageType.Event],
        ["_c", content],
        ["_x", this.#eventXid++],
      ]),
    );
  }

  #receive(chunk: Uint8Array): void {
    if (this.#closed) return;
    try {
      for (const frame of this.#decoder.push(chunk)) {
        this.#handleFrame(frame);
        if (this.#closed) return;
      }
    } catch (error) {
      this.#logger.debug("fake companion: dropping client: %s", (error as Error).message);
      this.drop();
    }
  }

  #handleFrame(frame: CompanionFrame): void {
    if (frame.type === FrameType.NoOp) return;
    const cipher = this.#cipher;
    if (cipher !== undefined) {
      if (frame.type !== FrameType.E_OPACK)
        throw new ProtocolError(`frame type ${frame.type} after verify`);
      this.#handleMessage(cipher.openFrame(frame).payload);
      return;
    }
    if (!PAIRING_FRAMES.has(frame.type)) {
      throw new ProtocolError(`frame type ${frame.type} before pair-verify`);
    }
    const request = decodeOpack(frame.payload, OPACK_LIMITS);
    const data = request instanceof Map ? request.get("_pd") : undefined;
    if (!(data instanceof Uint8Array)) throw new ProtocolError("pairing frame without _pd");
    const answer = this.#pairing.handle(frame.type, data);
    this.#write(encodeFrame(answer.frameType, encodeOpack({ _pd: answer.data })));
    if (answer.sessionKeys !== undefined) {
      this.#cipher = new CompanionCipher(answer.sessionKeys.outputKey, answer.sessionKeys.inputKey);
      this.#logger.debug("fake companion: client verified, encrypting");
    }
  }

  #handleMessage(payload: Uint8Array): void {
    const message = decodeMessage(payload, OPACK_LIMITS);
    if (message.type === MessageType.Event) {
      this.#requests.event(message.identifier, message.content, this);
      return;
    }
    if (message.type !== MessageType.Request) return;
    const outcome = this.#requests.request(message.identifier, message.content, this);
    this.#sendMessage(response(message.identifier, message.dict.get("_x"), outcome));
    // A client that gives its peer id in _systemInfo is kept however long it stays quiet,
    // as a device keeps it (pyatv #1192: without `_i` the connection closes when idle, with
    // it an hour-long session stays up); the idle limit is for peers that never identify.
    if (
      message.identifier === "_systemInfo" &&
      "content" in outcome &&
      hasPeerId(message.content)
    ) {
      this.#socket.setTimeout(0);
    }
  }

  #sendMessage(dict: Map<OpackEncodable, OpackEncodable>): void {
    const cipher = this.#cipher;
    if (cipher === undefined || this.#closed) return;
    this.#write(cipher.sealFrame(FrameType.E_OPACK, encodeOpack(dict)));
  }

  #write(bytes: Uint8Array): void {
    if (!this.#closed && this.#socket.writable) this.#socket.write(bytes);
  }
}

function hasPeerId(content: OpackValue | undefined): boolean {
  const id = content instanceof Map ? content.get("_i") : undefined;
  return typeof id === "string" && id !== "";
}

/** A response as pyatv's fake sends it: `_i`, `_t` 3, `_c` or the error triple, `_x`. */
function response(
  identifier: string | undefined,
  xid: OpackEncodable | undefined,
  outcome: FakeRequestOutcome,
): Map<OpackEncodable, OpackEncodable> {
  const dict = new Map<OpackEncodable, OpackEncodable>();
  if (identifier !== undefined) dict.set("_i", identifier);
  dict.set("_t", MessageType.Response);
  if ("content" in outcome) {
    dict.set("_c", outcome.content);
  } else {
    dict.set("_ec", outcome.error.code);
    dict.set("_ed", outcome.error.domain);
    dict.set("_em", outcome.error.message);
  }
  if (xid !== undefined) dict.set("_x", xid);
  return dict;
}
