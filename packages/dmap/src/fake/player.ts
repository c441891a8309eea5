// What a DMAP device's player does with a DACP command: the play status, the item and the
// position change as on an Apple TV 3. Pure: a player and a command in, the next player
// out. The position is kept as of a moment and runs on at the status's rate.

/** dacp.playstatus (caps) values, as pyatv's daap.py reads them. */
export const DmapPlayStatus = {
  Idle: 0,
  Loading: 1,
  Stopped: 2,
  Paused: 3,
  Playing: 4,
  Rewinding: 5,
  FastForwarding: 6,
} as const;
export type DmapPlayStatus = (typeof DmapPlayStatus)[keyof typeof DmapPlayStatus];

/** dacp.repeatstate (carp) values; pyatv's RepeatState uses the same numbers. */
export const DmapRepeat = { Off: 0, Track: 1, All: 2 } as const;
export type DmapRepeat = (typeof DmapRepeat)[keyof typeof DmapRepeat];

/** One thing the device can play. */
export interface FakeDmapItem {
  readonly title: string;
  readonly artist?: string;
  readonly album?: string;
  readonly genre?: string;
  /** Length in seconds; without it the item has no end and no position. */
  readonly totalTime?: number;
  /** dmcp.mediakind (cmmk): 2 music, 3 video, 64 TV show (pyatv's daap.media_kind). */
  readonly mediaKind?: number;
  /** PNG bytes served as now-playing artwork; none: 204. */
  readonly artwork?: Uint8Array;
}

export interface FakeDmapPlayer {
  readonly items: readonly FakeDmapItem[];
  /** The item shown, an index into `items`; meaningless while idle. */
  readonly index: number;
  readonly status: DmapPlayStatus;
  /** Milliseconds into the item at `positionAt`. */
  readonly positionMs: number;
  /** When `positionMs` was true (the clock's milliseconds). */
  readonly positionAt: number;
  readonly shuffle: boolean;
  readonly repeat: DmapRepeat;
}

/** How fast the position runs while fast-forwarding or rewinding (a guess; pyatv has none). */
const SEEK_RATE = 4;
/** Previous restarts the item past this point, as a device's player does. */
const RESTART_THRESHOLD_MS = 3000;

export const IDLE_PLAYER: FakeDmapPlayer = {
  items: [],
  index: 0,
  status: DmapPlayStatus.Idle,
  positionMs: 0,
  positionAt: 0,
  shuffle: false,
  repeat: DmapRepeat.Off,
};

export function currentItem(player: FakeDmapPlayer): FakeDmapItem | undefined {
  return player.status === DmapPlayStatus.Idle ? undefined : player.items[player.index];
}

/** Milliseconds of item per millisecond of clock in this status. */
export function rateOf(status: DmapPlayStatus): number {
  if (status === DmapPlayStatus.Playing) return 1;
  if (status === DmapPlayStatus.FastForwarding) return SEEK_RATE;
  if (status === DmapPlayStatus.Rewinding) return -SEEK_RATE;
  return 0;
}

function lengthMs(item: FakeDmapItem | undefined): number | undefined {
  return item?.totalTime === undefined ? undefined : Math.max(0, item.totalTime * 1000);
}

/** Where the item is at `now`, clamped to the item; `frozen`: it does not run on. */
export function positionAt(player: FakeDmapPlayer, now: number, frozen = false): number {
  const moved = frozen ? 0 : (now - player.positionAt) * rateOf(player.status);
  const length = lengthMs(currentItem(player));
  const position = Math.max(0, player.positionMs + moved);
  return length === undefined ? position : Math.min(position, length);
}

/** When (on the clock) the item now running reaches its end; undefined if it never does. */
export function endsAt(player: FakeDmapPlayer): number | undefined {
  const rate = rateOf(player.status);
  const length = lengthMs(currentItem(player));
  if (rate <= 0 || length === undefined) return undefined;
  return player.positionAt + Math.max(0, length - player.positionMs) / rate;
}

function at(player: FakeDmapPlayer, now: number, frozen: boolean): FakeDmapPlayer {
  return { ...player, positionMs: positionAt(player, now, frozen), positionAt: now };
}

function move(player: FakeDmapPlayer, index: number, now: number): FakeDmapPlayer {
  const count = player.items.length;
  return { ...player, index: ((index % count) + count) % count, positionMs: 0, positionAt: now };
}

/**
 * The player once the item has run to its end (if it has by `now`): the same item again
 * on repeat-one, else the next, wrapping on repeat-all; past the last, stopped.
 */
export function settle(player: FakeDmapPlayer, now: number): FakeDmapPlayer {
  let current = player;
  // Bounded: an item of length 0 could otherwise end again at once, forever.
  for (let step = 0; step < current.items.length + 1; step++) {
    const end = endsAt(current);
    if (end === undefined || end > now) return current;
    if (current.repeat === DmapRepeat.Track) {
      current = { ...current, positionMs: 0, positionAt: end };
    } else if (current.index + 1 < current.items.length || current.repeat === DmapRepeat.All) {
      current = { ...move(current, current.index + 1, end), status: DmapPlayStatus.Playing };
    } else {
      return { ...current, status: DmapPlayStatus.Stopped, positionMs: 0, positionAt: now };
    }
  }
  return { ...current, status: DmapPlayStatus.Stopped, positionMs: 0, positionAt: now };
}

/** The DACP transport commands (ctrl-int/1/<name>) a device obeys. */
export const DMAP_TRANSPORT_COMMANDS = [
  "play",
  "pause",
  "playpause",
  "stop",
  "nextitem",
  "previtem",
  "playresume",
  "beginff",
  "beginrew",
] as const;
export type DmapTransportCommand = (typeof DMAP_TRANSPORT_COMMANDS)[number];

/**
 * The player after a transport command at `now`; nothing changes while idle (there is
 * nothing to play). `frozen` players keep their position (a static fake).
 */
export function applyCommand(
  player: FakeDmapPlayer,
  command: DmapTransportCommand,
  now: number,
  frozen = false,
): FakeDmapPlayer {
  if (player.status === DmapPlayStatus.Idle || player.items.length === 0) return player;
  const here = at(player, now, frozen);
  const running =
    here.status === DmapPlayStatus.Playing ||
    here.status === DmapPlayStatus.FastForwarding ||
    here.status === DmapPlayStatus.Rewinding;
  switch (command) {
    case "play":
    case "playresume":
      return { ...here, status: DmapPlayStatus.Playing };
    case "pause":
      return running ? { ...here, status: DmapPlayStatus.Paused } : here;
    case "playpause":
      return { ...here, status: running ? DmapPlayStatus.Paused : DmapPlayStatus.Playing };
    case "stop":
      return { ...here, status: DmapPlayStatus.Stopped, positionMs: 0 };
    case "nextitem":
      return move(here, here.index + 1, now);
    case "previtem":
      return here.positionMs > RESTART_THRESHOLD_MS
        ? { ...here, positionMs: 0 }
        : move(here, here.index - 1, now);
    case "beginff":
      return { ...here, status: DmapPlayStatus.FastForwarding };
    case "beginrew":
      return { ...here, status: DmapPlayStatus.Rewinding };
  }
}

/** The player with its position set (dacp.playingtime), clamped to the item. */
export function seek(player: FakeDmapPlayer, positionMs: number, now: number): FakeDmapPlayer {
  if (player.status === DmapPlayStatus.Idle) return player;
  return at({ ...player, positionMs, positionAt: now }, now, true);
}
