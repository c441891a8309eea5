// For tests: stand-ins for MrpProtocol that hand their listeners what the test feeds
// them, so that a handler of device messages can be tested without a device.

import type { MessageSource } from "../player-state.js";
import { decodeProtocolMessage, encodeProtocolMessage } from "../protobuf/messages.js";
import type { DeviceInfoMessage, ProtocolMessage } from "../protobuf/types.js";
import type { MrpProtocol } from "../protocol.js";

export interface FedMessageSource extends MessageSource {
  feed(message: ProtocolMessage): void;
}

/** Hands on what is fed decoded from its wire form, as MrpProtocol would. */
export function fedMessageSource(): FedMessageSource {
  const listeners = listenersByType();
  return {
    listen: listeners.listen,
    feed(message) {
      listeners.call(decodeProtocolMessage(encodeProtocolMessage(message)));
    },
  };
}

/** A protocol that keeps what is sent to it and hands its listeners what is fed, as is. */
export interface StubProtocol extends Pick<MrpProtocol, "listen" | "send" | "deviceInfo"> {
  readonly sent: ProtocolMessage[];
  feed(message: ProtocolMessage): void;
}

/** `info` is what the device said about itself at set-up; none when undefined. */
export function stubProtocol(info?: Partial<DeviceInfoMessage>): StubProtocol {
  const listeners = listenersByType();
  const sent: ProtocolMessage[] = [];
  return {
    sent,
    deviceInfo: info === undefined ? undefined : { name: "Apple TV", ...info },
    listen: listeners.listen,
    send(message) {
      sent.push(message);
    },
    feed: listeners.call,
  };
}

function listenersByType() {
  const handlers = new Map<number, Set<(message: ProtocolMessage) => void>>();
  return {
    listen(type: number, handler: (message: ProtocolMessage) => void): () => void {
      const set = handlers.get(type) ?? new Set();
      set.add(handler);
      handlers.set(type, set);
      return () => set.delete(handler);
    },
    call(message: ProtocolMessage): void {
      for (const handler of handlers.get(message.type ?? 0) ?? []) handler(message);
    },
  };
}
