// The pairing endpoints of a v2 receiver's RTSP port, as pyatv's RAOP pairing and verify
// use them (POST /pair-pin-start, /pair-setup, /pair-verify over HTTP/1.1 on the RAOP
// port): @atv/airplay's pairing server answers them; this tells what became of a step,
// for the receiver's events.

import type { FakeAirPlayPairingServer } from "@atv/airplay/fake";
import { decodeTlv, TlvState, TlvType } from "@atv/hap";
import type { FakeRaopEvent } from "./events.js";

type PairingSession = ReturnType<FakeAirPlayPairingServer["session"]>;
/** What the pairing server answers one request with. */
export type PairingAnswer = ReturnType<PairingSession["handle"]>;

/** One connection's pairing handshakes, and the device's paired clients. */
export interface PairingEndpoint {
  handle: PairingSession["handle"];
  /** The client that paired most recently (its HAP pairing identifier). */
  newestClient(): Uint8Array | undefined;
}

/** A pairing endpoint for one connection of a receiver with `server`. */
export function pairingEndpoint(server: FakeAirPlayPairingServer): PairingEndpoint {
  const session = server.session();
  return {
    handle: (path, body, headers) => session.handle(path, body, headers),
    newestClient: () => {
      const entries = server.pairings.entries;
      for (let i = entries.length - 1; i >= 0; i--) {
        const entry = entries[i];
        if (entry?.scheme === "hap") return entry.identifier;
      }
      return undefined;
    },
  };
}

/**
 * The event a pairing step makes, if any: "paired" when a pair-setup M5 was accepted,
 * "pairing_failed" when a HAP step was answered with an error item (a wrong PIN, an
 * unknown client, a bad signature) or refused outright.
 */
export function pairingEvent(
  path: string,
  request: Uint8Array,
  answer: PairingAnswer,
  endpoint: PairingEndpoint,
): FakeRaopEvent | undefined {
  if (path !== "/pair-setup" && path !== "/pair-verify") return undefined;
  const reason = path.slice(1);
  if (answer.status !== 200) return { kind: "pairing_failed", service: "raop", reason };
  let failed: boolean;
  let state: number | undefined;
  try {
    failed = decodeTlv(answer.body).getInteger(TlvType.Error) !== undefined;
    state = decodeTlv(request).getInteger(TlvType.State);
  } catch {
    // Not TLV (a legacy verify's binary answer): nothing to tell.
    return undefined;
  }
  if (failed) return { kind: "pairing_failed", service: "raop", reason };
  if (path === "/pair-setup" && state === TlvState.M5) {
    const client = endpoint.newestClient();
    const pairingGuid = client === undefined ? "" : new TextDecoder().decode(client);
    return { kind: "paired", pairingGuid, remoteName: "" };
  }
  return undefined;
}
