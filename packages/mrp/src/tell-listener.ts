// Calls into the listeners an application sets. What a listener throws is its own bug: it
// is logged and goes no further, so that it cannot break the handling of the device's
// messages or the call that caused the change.

import type { Logger } from "@atv/interface";

/** Calls `listener`, when one is set, through `call`; `name` says whose it is in the log. */
export function tellListener<L>(
  listener: L | undefined,
  call: (listener: L) => void,
  logger: Logger,
  name: string,
): void {
  // == null: an application in plain JavaScript may unset its listener with null.
  if (listener == null) return;
  try {
    call(listener);
  } catch (error) {
    logger.debug("mrp: %s listener failed: %o", name, error);
  }
}
