// The DMAP tags we know: every tag of pyatv's tag_definitions.py, with its name and the way
// its payload is read. pyatv's readers map to our types as read_uint -> uint,
// read_str -> string, read_bool -> bool, read_bytes/read_ignore -> raw,
// read_bplist -> bplist, "container" -> container. pyatv has no date, version or signed
// readers (it reads these tags as read_uint); where DMAP itself types a tag as one
// (dmap.protocolversion is a version, dmap.utctime a date, dmap.utcoffset a signed
// integer, as in the DAAP tag lists of iTunes' own content codes, dmap.contentcodesresponse),
// we read it as DMAP means it: pyatv reads a UTC offset of -8 h as 4294938496.

import type { DmapType } from "./types.js";

const TAGS: Readonly<Record<string, readonly [DmapType, string]>> = {
  aelb: ["bool", "com.apple.itunes.like-button"],
  aels: ["uint", "com.apple.itunes.liked-state"],
  aeFP: ["uint", "com.apple.itunes.req-fplay"],
  aeGs: ["bool", "com.apple.itunes.can-be-genius-seed"],
  aeSV: ["uint", "com.apple.itunes.music-sharing-version"],
  apro: ["version", "daap.protocolversion"],
  asai: ["uint", "daap.songalbumid"],
  asal: ["string", "daap.songalbum"],
  asar: ["string", "daap.songartist"],
  asgr: ["uint", "com.apple.itunes.gapless-resy"],
  astm: ["uint", "daap.songtime"],
  ated: ["bool", "daap.supportsextradata"],
  caar: ["uint", "dacp.albumrepeat"],
  caas: ["uint", "dacp.albumshuffle"],
  caci: ["container", "dacp.controlint"],
  cafe: ["bool", "dacp.fullscreenenabled"],
  cafs: ["uint", "dacp.fullscreen"],
  cana: ["string", "daap.nowplayingartist"],
  cang: ["string", "dacp.nowplayinggenre"],
  canl: ["string", "daap.nowplayingalbum"],
  cann: ["string", "daap.nowplayingtrack"],
  canp: ["raw", "daap.nowplayingid"],
  cant: ["uint", "dacp.remainingtime"],
  capr: ["version", "dacp.protocolversion"],
  caps: ["uint", "dacp.playstatus"],
  carp: ["uint", "dacp.repeatstate"],
  cash: ["uint", "dacp.shufflestate"],
  cast: ["uint", "dacp.tracklength"],
  casu: ["uint", "dacp.su"],
  cavc: ["bool", "dacp.volumecontrollable"],
  cave: ["bool", "dacp.dacpvisualizerenabled"],
  cavs: ["uint", "dacp.visualizer"],
  ceGS: ["string", "com.apple.itunes.genius-selectable"],
  ceQR: ["container", "com.apple.itunes.playqueue-contents-response"],
  ceSD: ["bplist", "playing metadata"],
  cmcp: ["container", "dmcp.controlprompt"],
  cmgt: ["container", "dmcp.getpropertyresponse"], // not in pyatv: getproperty's answer
  cmmk: ["uint", "dmcp.mediakind"],
  cmnm: ["string", "dacp.devicename"],
  cmpa: ["container", "dacp.pairinganswer"],
  cmpg: ["uint", "dacp.pairingguid"],
  cmpr: ["version", "dmcp.protocolversion"],
  cmsr: ["uint", "dmcp.serverrevision"],
  cmst: ["container", "dmcp.playstatus"],
  cmty: ["string", "dacp.devicetype"],
  cmvo: ["uint", "dmcp.volume"], // not in pyatv: the level (0-100) in cmgt
  mdcl: ["container", "dmap.dictionary"],
  miid: ["uint", "dmap.itemid"],
  minm: ["string", "dmap.itemname"],
  mlcl: ["container", "dmap.listing"],
  mlid: ["uint", "dmap.sessionid"],
  mlit: ["container", "dmap.listingitem"],
  mlog: ["container", "dmap.loginresponse"],
  mpro: ["version", "dmap.protocolversion"],
  mrco: ["uint", "dmap.returnedcount"],
  msal: ["bool", "dmap.supportsautologout"],
  msbr: ["bool", "dmap.supportsbrowse"],
  msdc: ["uint", "dmap.databasescount"],
  msed: ["bool", "dmap.supportsedit"],
  msex: ["bool", "dmap.supportsextensions"],
  msix: ["bool", "dmap.supportsindex"],
  mslr: ["bool", "dmap.loginrequired"],
  mspi: ["bool", "dmap.supportspersistentids"],
  msqy: ["bool", "dmap.supportsquery"],
  msrv: ["container", "dmap.serverinforesponse"],
  mstc: ["date", "dmap.utctime"],
  mstm: ["uint", "dmap.timeoutinterval"],
  msto: ["int", "dmap.utcoffset"],
  mstt: ["uint", "dmap.status"],
  msup: ["bool", "dmap.supportsupdate"],
  mtco: ["uint", "dmap.containercount"],
  // Tags pyatv has met without knowing their purpose.
  aead: ["raw", "unknown tag"],
  aeFR: ["uint", "unknown tag"],
  aeSX: ["uint", "unknown tag"],
  asse: ["uint", "unknown tag"],
  atCV: ["uint", "unknown tag"],
  atSV: ["uint", "unknown tag"],
  caks: ["uint", "unknown tag"],
  caov: ["uint", "unknown tag"],
  capl: ["raw", "unknown tag"],
  casa: ["uint", "unknown tag"],
  casc: ["uint", "unknown tag"],
  cass: ["uint", "unknown tag"],
  ceQA: ["uint", "unknown tag"],
  ceQU: ["bool", "unknown tag"],
  ceMQ: ["bool", "unknown tag"],
  ceNQ: ["uint", "unknown tag"],
  ceNR: ["raw", "unknown tag"],
  ceQu: ["bool", "unknown tag"],
  cmbe: ["string", "unknown tag"],
  // Written by pyatv's client as a uint8 (0, or 0x30 for touches) but read as a string.
  cmcc: ["string", "unknown tag"],
  cmce: ["string", "unknown tag"],
  cmcv: ["raw", "unknown tag"], // pyatv: read_ignore
  cmik: ["uint", "unknown tag"],
  cmsb: ["uint", "unknown tag"],
  cmsc: ["uint", "unknown tag"],
  cmsp: ["uint", "unknown tag"],
  cmsv: ["uint", "unknown tag"],
  cmte: ["string", "unknown tag"],
  mscu: ["uint", "unknown tag"],
};

export interface DmapTagInfo {
  /** The tag code itself, one shared string per known tag. */
  readonly code: string;
  readonly name: string;
  readonly type: DmapType;
  /** `type` as a number (TypeKind), for the decoder's switch. */
  readonly kind: number;
}

/** DmapType as small integers. */
export const TypeKind = {
  uint: 0,
  int: 1,
  string: 2,
  bool: 3,
  container: 4,
  date: 5,
  version: 6,
  raw: 7,
  bplist: 8,
} as const satisfies Record<DmapType, number>;

const byCode = new Map<string, DmapTagInfo>();

// The decoder looks tags up by their four bytes packed into an integer, in an
// open-addressing table, so that a known tag costs neither a string nor a string hash.
const SLOT_BITS = 9;
const SLOTS = 1 << SLOT_BITS;
const slotKeys = new Int32Array(SLOTS); // 0 = empty: no tag code packs to 0
const slotInfos: (DmapTagInfo | undefined)[] = new Array(SLOTS).fill(undefined);

function slotOf(key: number): number {
  return Math.imul(key, 0x9e3779b1) >>> (32 - SLOT_BITS);
}

for (const [code, [type, name]] of Object.entries(TAGS)) {
  const info: DmapTagInfo = { code, name, type, kind: TypeKind[type] };
  byCode.set(code, info);
  const key =
    (code.charCodeAt(0) << 24) |
    (code.charCodeAt(1) << 16) |
    (code.charCodeAt(2) << 8) |
    code.charCodeAt(3);
  let slot = slotOf(key);
  while (slotKeys[slot] !== 0) slot = (slot + 1) & (SLOTS - 1);
  slotKeys[slot] = key;
  slotInfos[slot] = info;
}

/** The known tag whose four code bytes pack (big-endian) to `key`, if any. */
export function tagByKey(key: number): DmapTagInfo | undefined {
  let slot = slotOf(key);
  for (;;) {
    const found = slotKeys[slot];
    if (found === key) return slotInfos[slot];
    if (found === 0) return undefined;
    slot = (slot + 1) & (SLOTS - 1);
  }
}

/** Name and type of a known tag code ("cmst" -> dmcp.playstatus, container). */
export function lookupTag(
  code: string,
): { readonly name: string; readonly type: DmapType } | undefined {
  return byCode.get(code);
}
