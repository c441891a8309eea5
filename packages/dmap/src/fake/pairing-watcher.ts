// The device's side of DMAP pairing. An Apple TV in Settings > Remotes browses for
// _touch-remote._tcp; for each remote it calls GET /pair?pairingcode=…&servicename=… on
// the remote's host and port, the code made from the remote's pairing GUID (TXT "Pair")
// and the PIN the user typed. A remote that knows the PIN answers 200 with cmpa (cmpg
// the GUID, cmnm its name, cmty its type) and may log in with the GUID from then on.
// Facts from pyatv's protocols/dmap/pairing.py and tests/fake_device/dmap.py.

import { createHash } from "node:crypto";
import { request as httpRequest } from "node:http";
import { isIPv4 } from "node:net";
import type { ZeroconfService } from "@atv/interface";
import { dmapPairingCode } from "../pairing/pairing-code.js";
import { TOUCH_REMOTE_SERVICE_TYPE } from "../pairing/touch-remote-records.js";
import { decodeDmap, first } from "../tags/index.js";
import type { FakeDmapState } from "./state.js";

/** What the watcher needs of an announcement (ZeroconfResponder's ReceivedAnnouncement). */
export interface DmapAnnouncement {
  readonly from: { readonly address: string };
  readonly services: readonly ZeroconfService[];
  readonly goodbye: boolean;
}

/** Something that hears announcements: atvfake's ZeroconfResponder. */
export interface AnnouncementSource {
  onAnnouncement(listener: (announcement: DmapAnnouncement) => void): () => void;
}

export interface FakeDmapPairingWatcherOptions {
  /** The device's state: its PIN, where paired GUIDs and events go. */
  readonly state: FakeDmapState;
  /** The device's DMAP id; the servicename it sends is made from it. */
  readonly identifier?: string;
  /** Milliseconds a remote has to answer /pair; default 10 000. */
  readonly timeout?: number;
  /** Most /pair requests under way at once; announcements beyond are dropped; default 4. */
  readonly maxConcurrent?: number;
  /** The largest answer read from a remote; default 64 KiB. */
  readonly maxBodyBytes?: number;
}

/** Remote instances remembered as tried, so each is paired with once. */
const MAX_SEEN = 256;
const PAIR_GUID = /^[0-9A-Fa-f]{16}$/;

/** The servicename a device sends with /pair: 40 upper-case hex digits (a real log). */
export function pairingServiceName(identifier: string): string {
  return createHash("sha1").update(identifier).digest("hex").toUpperCase();
}

class PairingFailure extends Error {}

export class FakeDmapPairingWatcher {
  readonly #state: FakeDmapState;
  readonly #serviceName: string;
  readonly #timeout: number;
  readonly #maxConcurrent: number;
  readonly #maxBodyBytes: number;
  readonly #seen = new Set<string>();
  readonly #closing = new AbortController();
  readonly #stop: () => void;
  readonly #pending = new Set<Promise<void>>();

  constructor(source: AnnouncementSource, options: FakeDmapPairingWatcherOptions) {
    this.#state = options.state;
    this.#serviceName = pairingServiceName(options.identifier ?? "fake-dmap-device");
    this.#timeout = options.timeout ?? 10_000;
    this.#maxConcurrent = options.maxConcurrent ?? 4;
    this.#maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
    this.#stop = source.onAnnouncement((announcement) => this.#heard(announcement));
  }

  /** Resolves once every /pair request under way has ended (for tests). */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /** Stops listening and abandons the requests under way. */
  close(): void {
    this.#stop();
    this.#closing.abort();
  }

  #heard(announcement: DmapAnnouncement): void {
    if (announcement.goodbye || this.#closing.signal.aborted) return;
    for (const service of announcement.services) {
      if (service.type.toLowerCase() !== TOUCH_REMOTE_SERVICE_TYPE) continue;
      const guid = service.properties.get("Pair") ?? "";
      const key = `${service.name}\n${service.port}\n${guid}`;
      // Records come in several datagrams: wait for the one with the port.
      if (service.port === 0 || this.#seen.has(key)) continue;
      this.#remember(key);
      if (this.#pending.size >= this.#maxConcurrent) {
        this.#fail(service.name, "too many pairings under way");
        continue;
      }
      const attempt = this.#pair(service, announcement.from.address).finally(() =>
        this.#pending.delete(attempt),
      );
      this.#pending.add(attempt);
    }
  }

  #remember(key: string): void {
    this.#seen.add(key);
    if (this.#seen.size > MAX_SEEN) {
      const oldest = this.#seen.values().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
  }

  async #pair(service: ZeroconfService, source: string): Promise<void> {
    try {
      const guid = service.properties.get("Pair") ?? "";
      if (!PAIR_GUID.test(guid)) throw new PairingFailure("no pairing GUID (Pair) in its TXT");
      const address = service.address ?? source;
      if (!isIPv4(address)) throw new PairingFailure(`no IPv4 address: ${address}`);
      // A device sends the code in upper case (pyatv issue #84's log); pyatv lower-cases it.
      const code = dmapPairingCode(guid, this.#state.pin).toUpperCase();
      const path = `/pair?pairingcode=${code}&servicename=${this.#serviceName}`;
      const answer = await this.#get(address, service.port, path);
      if (answer.status !== 200) throw new PairingFailure(`remote answered ${answer.status}`);
      let nodes: ReturnType<typeof decodeDmap>;
      try {
        nodes = decodeDmap(answer.body);
      } catch {
        throw new PairingFailure("remote's answer is not DMAP");
      }
      const cmpg = first(nodes, "cmpa", "cmpg");
      if (
        (typeof cmpg !== "number" && typeof cmpg !== "bigint") ||
        BigInt(cmpg) !== BigInt(`0x${guid}`)
      ) {
        throw new PairingFailure("remote's answer has another pairing GUID");
      }
      const name = first(nodes, "cmpa", "cmnm");
      const remoteName =
        typeof name === "string" ? name : (service.properties.get("DvNm") ?? service.name);
      this.#state.addPairedGuid(guid);
      this.#state.recordEvent({
        kind: "paired",
        pairingGuid: `0x${guid.toUpperCase()}`,
        remoteName,
      });
    } catch (error) {
      const reason = error instanceof PairingFailure ? error.message : String(error);
      this.#fail(service.name, reason);
    }
  }

  #fail(service: string, reason: string): void {
    this.#state.recordEvent({ kind: "pairing_failed", service, reason });
  }

  #get(
    host: string,
    port: number,
    path: string,
  ): Promise<{ readonly status: number; readonly body: Uint8Array }> {
    const signal = AbortSignal.any([this.#closing.signal, AbortSignal.timeout(this.#timeout)]);
    return new Promise((resolve, reject) => {
      const request = httpRequest({ host, port, path, method: "GET", agent: false, signal });
      request.once("error", (error) =>
        reject(new PairingFailure(`could not reach the remote: ${error.message}`)),
      );
      request.once("response", (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.#maxBodyBytes) {
            request.destroy(new Error("answer too large"));
            return;
          }
          chunks.push(chunk);
        });
        response.once("error", (error) => reject(new PairingFailure(error.message)));
        response.once("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            body: new Uint8Array(Buffer.concat(chunks)),
          }),
        );
      });
      request.end();
    });
  }
}
