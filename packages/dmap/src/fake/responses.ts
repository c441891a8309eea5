// The DMAP bodies a fake device answers with. Pure: built with the package's tag builders.

import { dmapTag } from "../tags/index.js";
import { currentItem, DmapPlayStatus, type FakeDmapPlayer, positionAt } from "./player.js";

/** dmap.status of a good answer (mstt). */
const STATUS_OK = 200;

/** /login: the session id (mlog/mlid, as pyatv's daap.py reads it). */
export function loginResponse(sessionId: number): Uint8Array {
  return dmapTag.container(
    "mlog",
    dmapTag.uint32("mstt", STATUS_OK),
    dmapTag.uint32("mlid", sessionId),
  );
}

/**
 * /server-info, with the versions an Apple TV 3 reports (DMAP 2.8, DAAP 3.11, as in the
 * shared vectors' server-info tree) and the session timeout in seconds (mstm).
 */
export function serverInfoResponse(name: string, sessionTimeoutSeconds: number, now: number) {
  return dmapTag.container(
    "msrv",
    dmapTag.uint32("mstt", STATUS_OK),
    dmapTag.uint32("mpro", 0x0002_0008),
    dmapTag.uint32("apro", 0x0003_000b),
    dmapTag.uint32("aeSV", 0x0003_0009),
    dmapTag.bool("mslr", true),
    dmapTag.uint32("mstm", sessionTimeoutSeconds),
    dmapTag.bool("msal", true),
    dmapTag.bool("msup", true),
    dmapTag.bool("mspi", true),
    dmapTag.bool("msex", true),
    dmapTag.bool("msbr", true),
    dmapTag.bool("msqy", true),
    dmapTag.bool("msix", true),
    dmapTag.uint32("msdc", 1),
    dmapTag.string("minm", name),
    dmapTag.uint32("mstc", Math.floor(now / 1000) >>> 0),
    dmapTag.uint32("msto", 0),
  );
}

export interface PlayStatusView {
  readonly player: FakeDmapPlayer;
  readonly revision: number;
  readonly volumeControl: boolean;
  readonly now: number;
  readonly frozen: boolean;
}

/** The 16 bytes of canp: database, playlist, container item and item ids. */
function nowPlayingId(index: number): Uint8Array {
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 1);
  view.setUint32(4, 1);
  view.setUint32(8, index + 1);
  view.setUint32(12, index + 1);
  return bytes;
}

const clampUint32 = (n: number) => Math.min(0xffff_ffff, Math.max(0, Math.round(n)));

/**
 * /ctrl-int/1/playstatusupdate: the cmst container with every field pyatv's
 * build_playing_instance and DmapFeatures read (caps, cann/cana/canl/cang, cast total
 * and cant remaining in ms, cmmk, cash, carp, cavc, cmsr). While idle there is no caps
 * and no item, as pyatv's fake answers for nothing playing.
 */
export function playStatusResponse(view: PlayStatusView): Uint8Array {
  const { player } = view;
  const item = currentItem(player);
  const fields: Uint8Array[] = [
    dmapTag.uint32("mstt", STATUS_OK),
    dmapTag.uint32("cmsr", view.revision),
  ];
  if (item !== undefined) fields.push(dmapTag.uint32("caps", player.status));
  fields.push(
    dmapTag.uint8("cash", player.shuffle ? 1 : 0),
    dmapTag.uint8("carp", player.repeat),
    dmapTag.bool("cavc", view.volumeControl),
  );
  if (item !== undefined && player.status !== DmapPlayStatus.Idle) {
    fields.push(dmapTag.raw("canp", nowPlayingId(player.index)));
    fields.push(dmapTag.string("cann", item.title));
    if (item.artist !== undefined) fields.push(dmapTag.string("cana", item.artist));
    if (item.album !== undefined) fields.push(dmapTag.string("canl", item.album));
    if (item.genre !== undefined) fields.push(dmapTag.string("cang", item.genre));
    if (item.mediaKind !== undefined) fields.push(dmapTag.uint32("cmmk", item.mediaKind));
    if (item.totalTime !== undefined) {
      const total = clampUint32(item.totalTime * 1000);
      const position = positionAt(player, view.now, view.frozen);
      fields.push(dmapTag.uint32("cant", clampUint32(total - position)));
      fields.push(dmapTag.uint32("cast", total));
    }
  }
  return dmapTag.container("cmst", ...fields);
}

/** The values /ctrl-int/1/getproperty can report. */
export interface PropertyValues {
  readonly volume: number;
  readonly shuffle: boolean;
  readonly repeat: number;
}

/**
 * /ctrl-int/1/getproperty: cmgt with each known property asked for (dmcp.volume → cmvo,
 * dacp.shufflestate → cash, dacp.repeatstate → carp); unknown ones are left out.
 */
export function getPropertyResponse(names: readonly string[], values: PropertyValues): Uint8Array {
  const fields: Uint8Array[] = [dmapTag.uint32("mstt", STATUS_OK)];
  for (const name of new Set(names)) {
    if (name === "dmcp.volume") fields.push(dmapTag.uint32("cmvo", values.volume));
    else if (name === "dacp.shufflestate")
      fields.push(dmapTag.uint8("cash", values.shuffle ? 1 : 0));
    else if (name === "dacp.repeatstate") fields.push(dmapTag.uint8("carp", values.repeat));
  }
  return dmapTag.container("cmgt", ...fields);
}
