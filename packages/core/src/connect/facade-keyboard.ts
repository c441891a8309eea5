import {
  type AbortOptions,
  type Keyboard,
  KeyboardFocusState,
  type KeyboardListener,
  type ProtocolSession,
} from "@atv/interface";
import type { Relayer } from "./relayer.js";

/**
 * The on-screen keyboard of the highest-priority protocol that has one (pyatv's
 * FacadeKeyboard). Focus changes reach the listener only from that protocol, and only
 * when the state really changed.
 */
export class FacadeKeyboard implements Keyboard {
  listener: KeyboardListener | undefined;
  readonly #relayer: Relayer;
  #focus: KeyboardFocusState = KeyboardFocusState.Unknown;

  constructor(relayer: Relayer) {
    this.#relayer = relayer;
  }

  /** The focus state the main keyboard protocol reports; NotSupportedError when none. */
  get textFocusState(): KeyboardFocusState {
    return this.#relayer.property("keyboard", "textFocusState") as KeyboardFocusState;
  }

  textGet(opts?: AbortOptions): Promise<string | undefined> {
    return (this.#relayer.relay("keyboard", "textGet") as Keyboard["textGet"])(opts);
  }

  async textClear(opts?: AbortOptions): Promise<void> {
    await (this.#relayer.relay("keyboard", "textClear") as Keyboard["textClear"])(opts);
  }

  async textAppend(text: string, opts?: AbortOptions): Promise<void> {
    await (this.#relayer.relay("keyboard", "textAppend") as Keyboard["textAppend"])(text, opts);
  }

  async textSet(text: string, opts?: AbortOptions): Promise<void> {
    await (this.#relayer.relay("keyboard", "textSet") as Keyboard["textSet"])(text, opts);
  }

  /** The listener `session`'s keyboard reports to; core sets it on each session. */
  relayListener(session: ProtocolSession): KeyboardListener {
    return {
      focusstateUpdate: (_old, state) => {
        // pyatv listens to the main protocol only: another's keyboard is not the one used.
        if (this.#relayer.part("keyboard") !== session.keyboard) return;
        const old = this.#focus;
        this.#focus = state;
        if (state !== old) this.listener?.focusstateUpdate(old, state);
      },
    };
  }
}
