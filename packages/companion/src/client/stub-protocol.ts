// Test-only: a CompanionProtocol stand-in that answers requests from a script, records
// what was sent, and lets a test push events to the listeners.

import { MessageType } from "../message.js";
import type { OpackEncodable, OpackValue } from "../opack.js";
import type { CompanionEventListener, CompanionProtocol, RequestOptions } from "./protocol.js";

export interface StubSent {
  readonly kind: "request" | "event";
  readonly identifier: string;
  readonly content: OpackEncodable;
}

export type StubAnswer = (content: OpackEncodable) => OpackValue | undefined | Promise<OpackValue>;

export class StubProtocol implements Pick<CompanionProtocol, "request" | "sendEvent" | "onEvent"> {
  readonly sent: StubSent[] = [];
  readonly answers = new Map<string, StubAnswer>();
  readonly #listeners = new Map<string, Set<CompanionEventListener>>();

  async request(
    identifier: string,
    content: OpackEncodable = {},
    options: RequestOptions = {},
  ): Promise<OpackValue | undefined> {
    options.signal?.throwIfAborted();
    this.sent.push({ kind: "request", identifier, content });
    const answer = this.answers.get(identifier);
    return answer ? answer(content) : new Map();
  }

  sendEvent(identifier: string, content: OpackEncodable = {}): void {
    this.sent.push({ kind: "event", identifier, content });
  }

  onEvent(identifier: string, listener: CompanionEventListener): () => void {
    let listeners = this.#listeners.get(identifier);
    if (!listeners) {
      listeners = new Set();
      this.#listeners.set(identifier, listeners);
    }
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  /** Delivers an event from the device, as the protocol would. */
  emit(identifier: string, content: Record<string, OpackValue>): void {
    const map = new Map<OpackValue, OpackValue>(Object.entries(content));
    for (const listener of this.#listeners.get(identifier) ?? []) {
      listener(map, { identifier, type: MessageType.Event, content: map, dict: map });
    }
  }

  listenerCount(identifier: string): number {
    return this.#listeners.get(identifier)?.size ?? 0;
  }

  identifiers(): string[] {
    return this.sent.map((s) => s.identifier);
  }
}
