// The DACP commands pyatv's BaseDmapAppleTV sends, and the last play status it saw (which
// features, artwork ids and the long poll's revision come from).

import type { AbortOptions, Playing } from "@atv/interface";
import { type DmapNode, dmapTag, first } from "../tags/index.js";
import { AUTH, type DaapRequester, type DaapRequestOptions } from "./daap-requester.js";
import { buildPlaying } from "./playing.js";

export interface PlayStatusOptions extends DaapRequestOptions {
  /**
   * Ask with the last revision the device gave, so that it answers only once something
   * changed (a long poll); otherwise it answers at once.
   */
  useRevision?: boolean;
}

export class DmapCommands {
  readonly requester: DaapRequester;
  #revision = 0;
  #latestPlaystatus: readonly DmapNode[] | undefined;
  #latestPlaying: Playing | undefined;

  constructor(requester: DaapRequester) {
    this.requester = requester;
  }

  /** The revision the next long poll asks with. */
  get revision(): number {
    return this.#revision;
  }

  /** Makes the next long poll answer at once (pyatv starts push updates with 0). */
  resetRevision(): void {
    this.#revision = 0;
  }

  /** The last playstatusupdate answer, undefined before the first. */
  get latestPlaystatus(): readonly DmapNode[] | undefined {
    return this.#latestPlaystatus;
  }

  get latestPlaying(): Playing | undefined {
    return this.#latestPlaying;
  }

  /** What is playing (ctrl-int/1/playstatusupdate); keeps the revision the device sent. */
  async playstatus(opts: PlayStatusOptions = {}): Promise<Playing> {
    const revision = opts.useRevision ? this.#revision : 0;
    const nodes = await this.requester.get(
      `ctrl-int/1/playstatusupdate?${AUTH}&revision-number=${revision}`,
      opts,
    );
    const playing = buildPlaying(nodes);
    const next = first(nodes, "cmst", "cmsr");
    // Without a revision, ask for an immediate answer next time rather than none at all.
    this.#revision = typeof next === "number" || typeof next === "bigint" ? Number(next) : 0;
    this.#latestPlaystatus = nodes;
    this.#latestPlaying = playing;
    return playing;
  }

  /** The artwork's bytes, undefined when the device has none (an empty answer, e.g. 204). */
  async artwork(
    width: number,
    height: number,
    opts: AbortOptions = {},
  ): Promise<Uint8Array | undefined> {
    const bytes = await this.requester.getRaw(
      `ctrl-int/1/nowplayingartwork?mw=${width}&mh=${height}&${AUTH}`,
      opts,
    );
    return bytes.byteLength > 0 ? bytes : undefined;
  }

  /** A ctrl-int command without a body (play, pause, nextitem, volumeup, ...). */
  async ctrlInt(command: string, opts: AbortOptions = {}): Promise<void> {
    await this.requester.post(`ctrl-int/1/${command}?${AUTH}&prompt-id=0`, opts);
  }

  /** A controlpromptentry with a DMAP body. */
  async controlPrompt(body: Uint8Array, opts: AbortOptions = {}): Promise<void> {
    await this.requester.post(`ctrl-int/1/controlpromptentry?${AUTH}&prompt-id=0`, {
      ...opts,
      body,
    });
  }

  /** Reads a property (e.g. dmcp.volume); the answer is a cmgt container. */
  getProperty(property: string, opts: AbortOptions = {}): Promise<DmapNode[]> {
    return this.requester.get(`ctrl-int/1/getproperty?properties=${property}&${AUTH}`, opts);
  }

  /** Sets a DACP property, e.g. dacp.playingtime. */
  async setProperty(property: string, value: number, opts: AbortOptions = {}): Promise<void> {
    await this.requester.post(`ctrl-int/1/setproperty?${property}=${value}&${AUTH}`, opts);
  }
}

/** A controlpromptentry body for a button: cmbe then cmcc 0 (pyatv's controlprompt_cmd). */
export function buttonBody(button: string): Uint8Array {
  return concat(dmapTag.string("cmbe", button), dmapTag.uint8("cmcc", 0));
}

/**
 * A controlpromptentry body for one touch event: cmcc 0x30 then cmbe
 * "touch<Down|Move|Up>&time=<t>&point=<x>,<y>" (pyatv's DmapRemoteControl._move).
 */
export function touchBody(
  phase: "Down" | "Move" | "Up",
  time: number,
  x: number,
  y: number,
): Uint8Array {
  return concat(
    dmapTag.uint8("cmcc", 0x30),
    dmapTag.string("cmbe", `touch${phase}&time=${time}&point=${x},${y}`),
  );
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
