// What a client tells the receiver through SET_PARAMETER (volume and progress as
// text/parameters, DAAP metadata, artwork) and asks through GET_PARAMETER (volume), as
// pyatv's RtspSession sends them; kept per session until a stream ends and takes them.

import type { HttpRequest } from "@atv/airplay";
import { ProtocolError } from "@atv/interface";
import {
  dbfsToPct,
  decodeRaopMetadata,
  parseProgress,
  parseTextParameters,
  parseVolumeParameter,
} from "../wire/index.js";
import type { FakeRaopEvent, FakeRaopMetadata, FakeRaopProgress } from "./events.js";
import { checkVolume } from "./rtsp-fields.js";

const ARTWORK_TYPES = new Set(["image/jpeg", "image/png", "image/none"]);

/** What the session has been told since the previous stream ended. */
export interface SessionNotes {
  readonly metadata: FakeRaopMetadata | undefined;
  readonly artwork: { readonly mimetype: string; readonly bytes: Uint8Array } | undefined;
  readonly progress: FakeRaopProgress | undefined;
  readonly volumes: readonly number[];
}

export interface ParameterAnswer {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
}

export class SessionParameters {
  readonly #emit: (event: FakeRaopEvent) => void;
  #volume: number;
  #metadata: FakeRaopMetadata | undefined;
  #artwork: { mimetype: string; bytes: Uint8Array } | undefined;
  #progress: FakeRaopProgress | undefined;
  #volumes: number[] = [];

  constructor(initialVolume: number, emit: (event: FakeRaopEvent) => void) {
    this.#volume = initialVolume;
    this.#emit = emit;
  }

  /** The volume last set (dB), or the initial one. */
  get volume(): number {
    return this.#volume;
  }

  /** The notes for a stream that ends now; the volumes start again for the next. */
  take(): SessionNotes {
    const notes = {
      metadata: this.#metadata,
      artwork: this.#artwork,
      progress: this.#progress,
      volumes: this.#volumes,
    };
    this.#volumes = [];
    return notes;
  }

  /** A SET_PARAMETER; a body it cannot read is a ProtocolError. */
  set(request: HttpRequest): ParameterAnswer {
    const type = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
    if (type === "text/parameters") return this.#setText(request.body);
    if (type === "application/x-dmap-tagged") {
      const metadata = decodeRaopMetadata(request.body);
      this.#metadata = metadata;
      this.#emit({ kind: "metadata", ...metadata });
      return { status: 200 };
    }
    if (ARTWORK_TYPES.has(type)) {
      this.#artwork = { mimetype: type, bytes: request.body.slice() };
      this.#emit({ kind: "artwork", mimetype: type, length: request.body.length });
      return { status: 200 };
    }
    return { status: 415 };
  }

  /** A GET_PARAMETER: the volume is all a receiver reports. */
  get(request: HttpRequest): ParameterAnswer {
    const wanted = decodeText(request.body).trim().toLowerCase();
    if (wanted !== "volume") return { status: 501 };
    return {
      status: 200,
      headers: { "Content-Type": "text/parameters" },
      body: new TextEncoder().encode(`volume: ${this.#volume.toFixed(6)}\r\n`),
    };
  }

  #setText(body: Uint8Array): ParameterAnswer {
    const params = parseTextParameters(decodeText(body));
    if (params.size === 0) return { status: 400 };
    const volume = params.get("volume");
    const progress = params.get("progress");
    if (volume === undefined && progress === undefined) return { status: 501 };
    // Both are read before either is applied: a bad one changes nothing.
    const level =
      volume === undefined ? undefined : checkVolume(parseVolumeParameter(`volume: ${volume}`));
    const position = progress === undefined ? undefined : parseProgress(`progress: ${progress}`);
    if (level !== undefined) {
      this.#volume = level;
      this.#volumes.push(level);
      this.#emit({ kind: "volume", level, percent: dbfsToPct(level) });
    }
    if (position !== undefined) {
      this.#progress = position;
      this.#emit({ kind: "progress", ...position });
    }
    return { status: 200 };
  }
}

/** A body as UTF-8 text; anything else is a ProtocolError. */
export function decodeText(body: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch (error) {
    throw new ProtocolError("body is not UTF-8 text", { cause: error });
  }
}
