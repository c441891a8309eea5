// pyatv's recorded DMAP answers (see shared/vectors/README.md, dmap.json); for tests only.
import { readFileSync } from "node:fs";

export interface PairingCodeVector {
  readonly pairing_guid: string;
  readonly pin: number;
  readonly md5_input_hex: string;
  readonly pairing_code: string;
  readonly accepted_by_verify_pin: boolean;
}

export interface TagVector {
  readonly source: string;
  readonly hex: string;
}

const file = JSON.parse(
  readFileSync(new URL("../../../../../shared/vectors/dmap.json", import.meta.url), "utf8"),
) as { pairing_codes: PairingCodeVector[]; vectors: TagVector[] };

export const pairingCodeVectors: readonly PairingCodeVector[] = file.pairing_codes;

/** The answer pyatv's handle_request sent for guid 0x0000000000000001, name "pyatv". */
export const pairingAnswerVector: TagVector = (() => {
  const found = file.vectors.find((v) => v.source.endsWith("DmapPairingHandler.handle_request"));
  if (found === undefined) throw new Error("no pairing answer vector in dmap.json");
  return found;
})();
