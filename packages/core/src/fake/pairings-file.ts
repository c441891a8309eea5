// The file where a fake Apple TV keeps the clients paired with it, so that credentials a
// client saved still verify after the fake restarts: per protocol, each client's
// identifier and long-term public key (hex), as a device keeps them in its keychain.

import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { FakeAirPlayPairing } from "@atv/airplay/fake";
import type { PairedClient } from "@atv/hap/server";

/** The paired clients of each protocol's fake. */
export interface FakePairings {
  readonly mrp: readonly PairedClient[];
  readonly companion: readonly PairedClient[];
  readonly airplay: readonly FakeAirPlayPairing[];
  /** DMAP remotes' pairing GUIDs ("0x" and 16 hex digits). */
  readonly dmap: readonly string[];
}

export const NO_PAIRINGS: FakePairings = { mrp: [], companion: [], airplay: [], dmap: [] };

const FORMAT_VERSION = 1;

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

export function encodePairings(pairings: FakePairings): string {
  const client = (c: PairedClient) => ({
    identifier: hex(c.identifier),
    publicKey: hex(c.publicKey),
  });
  const document = {
    version: FORMAT_VERSION,
    mrp: pairings.mrp.map(client),
    companion: pairings.companion.map(client),
    airplay: pairings.airplay.map((p) =>
      p.scheme === "hap"
        ? { scheme: "hap", identifier: hex(p.identifier), publicKey: hex(p.publicKey) }
        : { scheme: "legacy", publicKey: hex(p.publicKey), user: p.user },
    ),
    dmap: pairings.dmap,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Reads a file's text; entries it cannot read are left out, never guessed. */
export function decodePairings(text: string): FakePairings {
  const document: unknown = JSON.parse(text);
  if (!isRecord(document) || document.version !== FORMAT_VERSION) return NO_PAIRINGS;
  const clients = (list: unknown): PairedClient[] =>
    arrayOf(list).flatMap((entry) => {
      const identifier = bytesOf(entry.identifier);
      const publicKey = bytesOf(entry.publicKey);
      return identifier && publicKey ? [{ identifier, publicKey, extraItems: [] }] : [];
    });
  const airplay = arrayOf(document.airplay).flatMap((entry): FakeAirPlayPairing[] => {
    const publicKey = bytesOf(entry.publicKey);
    if (publicKey === undefined) return [];
    if (entry.scheme === "legacy" && typeof entry.user === "string") {
      return [{ scheme: "legacy", publicKey, user: entry.user }];
    }
    const identifier = bytesOf(entry.identifier);
    return entry.scheme === "hap" && identifier ? [{ scheme: "hap", identifier, publicKey }] : [];
  });
  const dmap = (Array.isArray(document.dmap) ? document.dmap : []).filter(
    (guid): guid is string => typeof guid === "string" && /^0x[0-9A-F]{16}$/.test(guid),
  );
  return { mrp: clients(document.mrp), companion: clients(document.companion), airplay, dmap };
}

/** The pairings kept at `path`; none when there is no such file yet. */
export async function readPairingsFile(path: string): Promise<FakePairings> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return NO_PAIRINGS;
    throw error;
  }
  return decodePairings(text);
}

/**
 * Writes the pairings whole to `path`, through a temporary file renamed over it, so a
 * crash mid-write leaves the previous file rather than half of one.
 */
export async function writePairingsFile(path: string, pairings: FakePairings): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, encodePairings(pairings), { mode: 0o600 });
  await rename(temporary, path);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function arrayOf(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function bytesOf(value: unknown): Uint8Array | undefined {
  if (typeof value !== "string" || !/^(?:[0-9a-f]{2})+$/i.test(value)) return undefined;
  return new Uint8Array(Buffer.from(value, "hex"));
}

/**
 * Keeps a device's pairings in a file as they change: each change writes the whole
 * snapshot, one write at a time, so the file ends with the last.
 */
export class PairingsFile {
  readonly path: string;
  #writing: Promise<void> = Promise.resolve();
  readonly #onError: (error: unknown) => void;

  constructor(path: string, onError: (error: unknown) => void) {
    this.path = path;
    this.#onError = onError;
  }

  read(): Promise<FakePairings> {
    return readPairingsFile(this.path);
  }

  save(snapshot: () => FakePairings): void {
    this.#writing = this.#writing
      .then(() => writePairingsFile(this.path, snapshot()))
      .catch(this.#onError);
  }

  /** Resolves once every save asked for so far is on disk (or failed). */
  flushed(): Promise<void> {
    return this.#writing;
  }
}
