/**
 * Where a component reports what it does, drops or ignores (debug detail only; failures
 * are errors). Always injected, per component; nothing in atv logs globally.
 */
export interface Logger {
  debug(message: string, ...args: unknown[]): void;
}

/** The default logger: says nothing. */
export const silentLogger: Logger = { debug: () => {} };
