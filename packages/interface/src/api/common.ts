/** The last argument of every async method: a signal that cancels the operation. */
export interface AbortOptions {
  signal?: AbortSignal;
}

/**
 * An object that reports state changes to one listener (pyatv's StateProducer). Setting
 * `listener` replaces the previous one; `undefined` removes it.
 */
export interface StateProducer<Listener> {
  listener: Listener | undefined;
}
