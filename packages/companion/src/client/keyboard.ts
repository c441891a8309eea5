// The on-screen keyboard over Companion (after pyatv's CompanionKeyboard and
// CompanionAPI.text_input_command, MIT). The focus state follows `_tiStarted` and
// `_tiStopped` events and the answers to `_tiStart`: a text field has focus when they carry
// `_tiD`, the archived RTI session. Every text call restarts the text input session to
// read the current text, then edits it with `_tiC` events.

import {
  type AbortOptions,
  type Keyboard,
  KeyboardFocusState,
  type KeyboardListener,
  type Logger,
  ProtocolError,
  silentLogger,
} from "@atv/interface";
import type { OpackValue } from "../opack.js";
import { decodeRtiSession, encodeRtiClearText, encodeRtiInputText } from "../rti.js";
import type { CompanionProtocol, RequestOptions } from "./protocol.js";

/** What the keyboard needs of CompanionProtocol. */
export type KeyboardProtocol = Pick<CompanionProtocol, "request" | "sendEvent" | "onEvent">;

/** The focus state an answer to `_tiStart` or a `_tiStarted`/`_tiStopped` event means. */
export function focusStateOf(content: OpackValue | undefined): KeyboardFocusState {
  return content instanceof Map && content.has("_tiD")
    ? KeyboardFocusState.Focused
    : KeyboardFocusState.Unfocused;
}

export class CompanionKeyboard implements Keyboard {
  listener: KeyboardListener | undefined;
  readonly #protocol: KeyboardProtocol;
  readonly #logger: Logger;
  readonly #unsubscribes: (() => void)[];
  #focus: KeyboardFocusState = KeyboardFocusState.Unknown;

  /** Follows the text input events at once; start() fetches the first state. */
  constructor(protocol: KeyboardProtocol, logger: Logger = silentLogger) {
    this.#protocol = protocol;
    this.#logger = logger;
    // pyatv: `_tiStarted` is not sent when the session starts while already focused,
    // hence the answers to `_tiStart` count too.
    this.#unsubscribes = ["_tiStarted", "_tiStopped"].map((identifier) =>
      protocol.onEvent(identifier, (content) => this.#setFocus(focusStateOf(content))),
    );
  }

  get textFocusState(): KeyboardFocusState {
    return this.#focus;
  }

  /** Starts a text input session (`_tiStart`); its answer sets the focus state. */
  async start(options: RequestOptions = {}): Promise<OpackValue | undefined> {
    const content = await this.#protocol.request("_tiStart", {}, options);
    this.#setFocus(focusStateOf(content));
    return content;
  }

  /** Stops the text input session (`_tiStop`). */
  async stop(options: RequestOptions = {}): Promise<void> {
    await this.#protocol.request("_tiStop", {}, options);
  }

  /** The focused field's text ("" when empty); undefined when no text field has focus. */
  textGet(opts: AbortOptions = {}): Promise<string | undefined> {
    return this.#textInput("", false, opts);
  }

  /** Empties the focused field; does nothing when none has focus (as pyatv). */
  async textClear(opts: AbortOptions = {}): Promise<void> {
    await this.#textInput("", true, opts);
  }

  /** Types `text` at the end of the focused field; nothing when none has focus. */
  async textAppend(text: string, opts: AbortOptions = {}): Promise<void> {
    await this.#textInput(checkText(text), false, opts);
  }

  /** Replaces the focused field's text; nothing when none has focus. */
  async textSet(text: string, opts: AbortOptions = {}): Promise<void> {
    await this.#textInput(checkText(text), true, opts);
  }

  /** Stops following the events. */
  close(): void {
    for (const unsubscribe of this.#unsubscribes.splice(0)) unsubscribe();
  }

  /** pyatv's text_input_command: the field's text after the edit, or undefined. */
  async #textInput(text: string, clear: boolean, opts: AbortOptions): Promise<string | undefined> {
    opts.signal?.throwIfAborted();
    const request: RequestOptions = opts.signal ? { signal: opts.signal } : {};
    // A fresh session, so that the text and the session's UUID are current.
    await this.stop(request);
    const content = await this.start(request);
    const archive = content instanceof Map ? content.get("_tiD") : undefined;
    if (archive === undefined) return undefined;
    if (!(archive instanceof Uint8Array)) {
      throw new ProtocolError("_tiStart answered with a _tiD that is not data");
    }
    const session = decodeRtiSession(archive);
    let current = session.text ?? "";
    if (clear) {
      this.#protocol.sendEvent("_tiC", { _tiV: 1, _tiD: encodeRtiClearText(session.sessionUuid) });
      current = "";
    }
    if (text !== "") {
      this.#protocol.sendEvent("_tiC", {
        _tiV: 1,
        _tiD: encodeRtiInputText(session.sessionUuid, text),
      });
      current += text;
    }
    return current;
  }

  #setFocus(state: KeyboardFocusState): void {
    const old = this.#focus;
    this.#focus = state;
    if (state === old) return;
    this.#logger.debug("companion: keyboard focus %s -> %s", old, state);
    try {
      this.listener?.focusstateUpdate(old, state);
    } catch (error) {
      this.#logger.debug("companion: keyboard listener failed: %o", error);
    }
  }
}

function checkText(text: string): string {
  if (typeof text !== "string") throw new TypeError(`text must be a string, got ${typeof text}`);
  return text;
}
