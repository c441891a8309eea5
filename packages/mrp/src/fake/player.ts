// What a player does with a transport command: the playback state, the position and the
// item change as on a device. Pure: a state and a command in, the next state out. The
// position is kept as of a moment (`positionAt`) and runs on at the playback rate while
// playing, as MRP itself tells it (elapsedTime and elapsedTimeTimestamp).

import { Command, PlaybackState } from "../protobuf/generated/enums.js";
import type { CommandOptions } from "../protobuf/types.js";
import type { FakePlayingState } from "./now-playing.js";

/** Seconds a skip moves when the client names no interval (tvOS's default). */
export const DEFAULT_SKIP_INTERVAL = 15;

/** The commands a fake player obeys (besides repeat and shuffle, listed with their mode). */
const TRANSPORT_COMMANDS = [
  Command.TogglePlayPause,
  Command.Stop,
  Command.NextTrack,
  Command.PreviousTrack,
  Command.SkipForward,
  Command.SkipBackward,
  Command.SeekToPlaybackPosition,
] as const;

/** Whether a state holds an item a player could play (anything known about it). */
export function hasItem(state: FakePlayingState | undefined): boolean {
  return (
    state !== undefined &&
    (state.title !== undefined || state.totalTime !== undefined || state.mediaType !== undefined)
  );
}

export function isPlaying(state: FakePlayingState | undefined): boolean {
  return state?.playbackState === PlaybackState.Playing && (state.playbackRate ?? 1) > 0;
}

/** Where the item is at `now` (ms since the epoch): it runs on while playing, to its end. */
export function positionAt(state: FakePlayingState, now: number): number | undefined {
  const position = state.position;
  if (position === undefined) return undefined;
  const since = state.positionAt ?? now;
  const moved = isPlaying(state) ? ((now - since) / 1000) * (state.playbackRate ?? 1) : 0;
  return clamp(position + moved, state.totalTime);
}

/**
 * The commands the player lists as supported: those it obeys, given what it plays (Play
 * while not playing, Pause while playing, as a device offers them).
 */
export function supportedCommandsOf(state: FakePlayingState): Command[] {
  if (!hasItem(state)) return [];
  return [isPlaying(state) ? Command.Pause : Command.Play, ...TRANSPORT_COMMANDS];
}

/** A queue of items an app plays through with next and previous. */
export interface FakePlayQueue {
  readonly items: readonly FakePlayingState[];
  /** The item now playing. */
  readonly index: number;
}

export interface PlayerOutcome {
  readonly state: FakePlayingState;
  /** The queue's index, when the command moved to another item. */
  readonly index?: number;
}

/**
 * The state after `name` (a command name as the CLIs spell it), or undefined when the
 * command changes nothing a client can see. `queue` is what next and previous move in.
 */
export function applyCommand(
  state: FakePlayingState,
  name: string,
  options: CommandOptions | undefined,
  now: number,
  queue?: FakePlayQueue,
): PlayerOutcome | undefined {
  if (!hasItem(state)) return undefined;
  const here = positionAt(state, now) ?? 0;
  const at = (position: number): FakePlayingState => ({
    ...state,
    position: clamp(position, state.totalTime),
    positionAt: now,
  });
  const playing = (on: boolean): FakePlayingState => ({
    ...at(here),
    playbackState: on ? PlaybackState.Playing : PlaybackState.Paused,
    playbackRate: on ? 1 : 0,
  });
  switch (name) {
    case "play":
      return { state: playing(true) };
    case "pause":
      return { state: playing(false) };
    case "play_pause":
      return { state: playing(!isPlaying(state)) };
    case "stop":
      return {
        state: { ...at(0), playbackState: PlaybackState.Stopped, playbackRate: 0 },
      };
    case "skip_forward":
      return { state: at(here + (options?.skipInterval ?? DEFAULT_SKIP_INTERVAL)) };
    case "skip_backward":
      return { state: at(here - (options?.skipInterval ?? DEFAULT_SKIP_INTERVAL)) };
    case "set_position": {
      const position = options?.playbackPosition;
      return typeof position === "number" ? { state: at(position) } : undefined;
    }
    case "set_repeat":
      return options?.repeatMode == null
        ? undefined
        : { state: { ...state, repeat: options.repeatMode } };
    case "set_shuffle":
      return options?.shuffleMode == null
        ? undefined
        : { state: { ...state, shuffle: options.shuffleMode } };
    case "next":
    case "previous":
      return step(state, name === "next" ? 1 : -1, here, now, queue);
    default:
      return undefined;
  }
}

/**
 * Next plays the queue's next item from its start; previous goes back an item, or to the
 * start of this one when it has played a while or is the first (as a device's previous).
 * The new item keeps playing or stays paused as the old one was.
 */
function step(
  state: FakePlayingState,
  direction: 1 | -1,
  here: number,
  now: number,
  queue: FakePlayQueue | undefined,
): PlayerOutcome | undefined {
  const target = (queue?.index ?? 0) + direction;
  const restart = direction === -1 && (here >= 3 || queue === undefined || target < 0);
  if (restart) return { state: { ...state, position: 0, positionAt: now } };
  const item = queue?.items[target];
  if (queue === undefined || item === undefined) return undefined;
  return {
    index: target,
    state: {
      ...item,
      appName: state.appName,
      playbackState: state.playbackState,
      playbackRate: state.playbackRate,
      position: 0,
      positionAt: now,
    },
  };
}

function clamp(position: number, end: number | undefined): number {
  const upper = end === undefined ? Number.POSITIVE_INFINITY : end;
  return Math.min(Math.max(position, 0), upper);
}
