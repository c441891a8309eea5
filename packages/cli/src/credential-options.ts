import type { Protocol } from "@atv/interface";
import type { CommandLine, OptionSpecs } from "./command-line.js";
import { PROTOCOL_NAMES, parseProtocol } from "./option-values.js";

/** pyatv's --<protocol>-credentials options, one per protocol. */
export const CREDENTIAL_OPTIONS: OptionSpecs = Object.fromEntries(
  PROTOCOL_NAMES.map((p) => [`${p}-credentials`, { type: "string" }]),
);

/** The credentials given on the command line, by protocol. */
export function readCredentials(command: CommandLine): Map<Protocol, string> {
  const credentials = new Map<Protocol, string>();
  for (const p of PROTOCOL_NAMES) {
    const value = command.text(`${p}-credentials`);
    if (value !== undefined) credentials.set(parseProtocol(p), value);
  }
  return credentials;
}

/** The help lines of the credential options. */
export const CREDENTIALS_HELP = PROTOCOL_NAMES.map(
  (p) => `  --${p}-credentials CREDENTIALS\n                        credentials for ${p}`,
).join("\n");
