// Scripted situations tests put the fake device in: faults on the wire, a device that
// vanishes or goes silent, pairings made outside the protocol.

import type { PairedClient } from "@atv/hap/server";
import { encodeVarint } from "../framing.js";
import { genericMessage } from "../protobuf/messages.js";
import type { FakeMrpConnection } from "./service.js";
import type { FakeMrpState } from "./state.js";

export class FakeMrpUseCases {
  readonly #state: FakeMrpState;
  readonly #connections: ReadonlySet<FakeMrpConnection>;

  constructor(state: FakeMrpState, connections: ReadonlySet<FakeMrpConnection>) {
    this.#state = state;
    this.#connections = connections;
  }

  /** The next command is received but never answered: the device vanishes instead. */
  dropConnectionsOnNextCommand(): void {
    const stop = this.#state.onEvent((event) => {
      if (event.kind !== "command") return;
      stop();
      this.#state.dropConnections();
    });
  }

  /** Heartbeats go unanswered (or are answered again). */
  answerHeartbeats(answer: boolean): void {
    this.#state.answerHeartbeats = answer;
  }

  /** Sends these bytes as they are to every client (garbage, half frames). */
  sendRawBytes(bytes: Uint8Array): void {
    for (const connection of this.#connections) connection.writeRaw(bytes);
  }

  /** Announces a frame longer than any client accepts (`length` bytes; default 1 GiB). */
  sendOversizedFrameHeader(length = 1 << 30): void {
    this.sendRawBytes(encodeVarint(length));
  }

  /** Sends every client a message whose ciphertext was altered after sealing. */
  sendTamperedMessage(): void {
    for (const connection of this.#connections) connection.sendTampered(genericMessage());
  }

  /** Pairs a client without pair-setup (e.g. credentials made elsewhere). */
  addPairedClient(client: PairedClient): void {
    this.#state.addPairedClient(client);
  }
}
