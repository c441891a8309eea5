// Two MRP transports joined in memory, for tests of everything above the transport
// without sockets (and of carriers other than TCP, as the AirPlay tunnel is).

import { ConnectionLostError } from "@atv/interface";
import type { MrpTransport, MrpTransportReceiver } from "../transport.js";

class MemoryTransport implements MrpTransport {
  peer: MemoryTransport | undefined;
  readonly sent: Uint8Array[] = [];
  #receiver: MrpTransportReceiver | undefined;
  #closed = false;
  #closeError: Error | undefined;
  encryptionRequests = 0;

  setReceiver(receiver: MrpTransportReceiver): void {
    this.#receiver = receiver;
  }

  send(payload: Uint8Array): void {
    if (this.#closed) throw this.#closeError ?? new ConnectionLostError("closed");
    this.sent.push(payload);
    const peer = this.peer;
    // Delivered on a later tick, as a socket would.
    queueMicrotask(() => peer?.deliver(payload.slice()));
  }

  deliver(payload: Uint8Array): void {
    if (this.#closed) return;
    try {
      this.#receiver?.message(payload);
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
    }
  }

  enableEncryption(): void {
    this.encryptionRequests++;
  }

  get encrypted(): boolean {
    return false;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get closeError(): Error | undefined {
    return this.#closeError;
  }

  close(): void {
    this.#end(undefined);
  }

  fail(error: Error): void {
    this.#end(error);
  }

  #end(error: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeError = error;
    this.#receiver?.closed(error);
    this.peer?.fail(new ConnectionLostError("connection closed by peer"));
  }
}

/** A client side and a device side; closing one ends the other with ConnectionLostError. */
export function memoryTransportPair(): {
  client: MrpTransport & { readonly sent: Uint8Array[]; readonly encryptionRequests: number };
  device: MrpTransport & { readonly sent: Uint8Array[] };
} {
  const client = new MemoryTransport();
  const device = new MemoryTransport();
  client.peer = device;
  device.peer = client;
  return { client, device };
}
