/** Where this package reports what it drops or ignores. Injected; nothing is global. */
export interface Logger {
  debug(msg: string, ...args: unknown[]): void;
}

/** The default logger: says nothing. */
export const silentLogger: Logger = { debug: () => {} };
