/** The package version, inlined at build time (tsup `define`). */
declare const __ATV_VERSION__: string;
