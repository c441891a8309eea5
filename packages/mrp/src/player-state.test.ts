import { DeviceState, MediaType, playingHash, RepeatState, ShuffleState } from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  exampleMusicState,
  exampleVideoState,
  nowPlayingClientMessage,
  setStateMessage,
} from "./fake/now-playing.js";
import { buildPlaying } from "./metadata.js";
import { DEFAULT_PLAYER_ID, PlayerStateManager } from "./player-state.js";
import {
  Command,
  MessageType,
  PlaybackState,
  RepeatMode,
  ShuffleMode,
} from "./protobuf/generated/enums.js";
import { createMessage } from "./protobuf/messages.js";
import type { ProtocolMessage } from "./protobuf/types.js";
import { fedMessageSource } from "./testing/message-source.js";

const APP = "com.example.app";

function setup() {
  const messages = fedMessageSource();
  const manager = new PlayerStateManager(messages);
  let changes = 0;
  manager.onChange(() => changes++);
  return { messages, manager, changes: () => changes };
}

describe("PlayerStateManager", () => {
  it("is idle with no app before the device says anything", () => {
    const { manager } = setup();
    expect(manager.client).toBeUndefined();
    const playing = buildPlaying(manager.playing);
    expect(playing.deviceState).toBe(DeviceState.Idle);
    expect(playing.mediaType).toBe(MediaType.Unknown);
    expect(playing.title).toBeUndefined();
  });

  it("follows the active app's default player from SET_STATE and SET_NOW_PLAYING_CLIENT", () => {
    const { messages, manager, changes } = setup();
    messages.feed(setStateMessage(APP, exampleVideoState({ appName: "Example" })));
    // Not the active app yet: no change to what is playing.
    expect(changes()).toBe(0);
    messages.feed(nowPlayingClientMessage(APP, "Example"));
    expect(changes()).toBe(1);
    expect(manager.client?.bundleIdentifier).toBe(APP);
    expect(manager.client?.displayName).toBe("Example");
    expect(manager.playing.identifier).toBe(DEFAULT_PLAYER_ID);
    const playing = buildPlaying(manager.playing);
    expect(playing).toMatchObject({
      mediaType: MediaType.Video,
      deviceState: DeviceState.Paused,
      title: "dummy",
      totalTime: 123,
      position: 3,
      shuffle: ShuffleState.Off,
      repeat: RepeatState.Off,
      hash: playingHash({ title: "dummy", totalTime: 123 }),
    });
    messages.feed(setStateMessage(APP, exampleMusicState()));
    expect(changes()).toBe(2);
    expect(buildPlaying(manager.playing).mediaType).toBe(MediaType.Music);
  });

  it("uses the item's identifier as hash and merges UPDATE_CONTENT_ITEM", () => {
    const { messages, manager } = setup();
    messages.feed(setStateMessage(APP, exampleMusicState({ identifier: "item-1" })));
    messages.feed(nowPlayingClientMessage(APP));
    expect(buildPlaying(manager.playing).hash).toBe("item-1");
    const update = createMessage(MessageType.UPDATE_CONTENT_ITEM_MESSAGE);
    update.updateContentItemMessage = {
      contentItems: [{ identifier: "item-1", metadata: { title: "renamed" } }],
      playerPath: { client: { bundleIdentifier: APP }, player: { identifier: DEFAULT_PLAYER_ID } },
    };
    messages.feed(update);
    const playing = buildPlaying(manager.playing);
    expect(playing.title).toBe("renamed");
    expect(playing.artist).toBe("artist");
  });

  it("reads shuffle and repeat from the player's commands, else the app's defaults", () => {
    const { messages, manager } = setup();
    messages.feed(
      setStateMessage(
        APP,
        exampleMusicState({ repeat: RepeatMode.All, shuffle: ShuffleMode.Albums }),
      ),
    );
    messages.feed(nowPlayingClientMessage(APP));
    let playing = buildPlaying(manager.playing);
    expect(playing.repeat).toBe(RepeatState.All);
    expect(playing.shuffle).toBe(ShuffleState.Albums);

    const defaults = createMessage(MessageType.SET_DEFAULT_SUPPORTED_COMMANDS_MESSAGE);
    defaults.setDefaultSupportedCommandsMessage = {
      supportedCommands: {
        supportedCommands: [{ command: Command.ChangeRepeatMode, repeatMode: RepeatMode.One }],
      },
      playerPath: { client: { bundleIdentifier: APP } },
    };
    messages.feed(defaults);
    // A new command list replaces the player's; a SET_STATE without one keeps it.
    messages.feed(setStateMessage(APP, exampleMusicState({ supportedCommands: [Command.Play] })));
    playing = buildPlaying(manager.playing);
    expect(playing.repeat).toBe(RepeatState.Track);
    expect(playing.shuffle).toBe(ShuffleState.Off);
  });

  it("derives the state as pyatv: seeking at odd rates, idle when paused with no item", () => {
    const { messages, manager } = setup();
    messages.feed(nowPlayingClientMessage(APP));
    messages.feed(
      setStateMessage(
        APP,
        exampleVideoState({ playbackState: PlaybackState.Playing, playbackRate: 2 }),
      ),
    );
    expect(buildPlaying(manager.playing).deviceState).toBe(DeviceState.Seeking);
    messages.feed(setStateMessage(APP, { playbackState: PlaybackState.Interrupted, title: "x" }));
    expect(buildPlaying(manager.playing).deviceState).toBe(DeviceState.Loading);
    const paused = createMessage(MessageType.SET_STATE_MESSAGE);
    paused.setStateMessage = {
      playbackState: PlaybackState.Paused,
      playbackQueue: { location: 0, contentItems: [] },
      playerPath: { client: { bundleIdentifier: APP }, player: { identifier: DEFAULT_PLAYER_ID } },
    };
    messages.feed(paused);
    expect(buildPlaying(manager.playing).deviceState).toBe(DeviceState.Idle);
  });

  it("runs the position on while playing, from the elapsed time and its timestamp", () => {
    const { messages, manager } = setup();
    messages.feed(nowPlayingClientMessage(APP));
    messages.feed(
      setStateMessage(
        APP,
        exampleVideoState({ playbackState: PlaybackState.Playing, playbackRate: 1, position: 10 }),
      ),
    );
    const position = (later: number) => buildPlaying(manager.playing, Date.now() + later).position;
    expect(position(5_000)).toBeGreaterThanOrEqual(14);
    expect(position(5_000)).toBeLessThanOrEqual(16);
    // Never past the end.
    expect(position(1_000_000)).toBe(123);
  });

  it("switches players with SET_NOW_PLAYING_PLAYER and forgets removed ones", () => {
    const { messages, manager, changes } = setup();
    messages.feed(nowPlayingClientMessage(APP));
    const other = createMessage(MessageType.SET_STATE_MESSAGE);
    other.setStateMessage = {
      playbackState: PlaybackState.Playing,
      playbackQueue: { location: 0, contentItems: [{ metadata: { title: "other player" } }] },
      playerPath: { client: { bundleIdentifier: APP }, player: { identifier: "second" } },
    };
    messages.feed(other);
    expect(buildPlaying(manager.playing).title).toBeUndefined();
    const select = createMessage(MessageType.SET_NOW_PLAYING_PLAYER_MESSAGE);
    select.setNowPlayingPlayerMessage = {
      playerPath: { client: { bundleIdentifier: APP }, player: { identifier: "second" } },
    };
    messages.feed(select);
    expect(buildPlaying(manager.playing).title).toBe("other player");
    const before = changes();
    const remove = createMessage(MessageType.REMOVE_PLAYER_MESSAGE);
    remove.removePlayerMessage = select.setNowPlayingPlayerMessage;
    messages.feed(remove);
    expect(changes()).toBe(before + 1);
    expect(buildPlaying(manager.playing).title).toBeUndefined();

    const removeClient = createMessage(MessageType.REMOVE_CLIENT_MESSAGE);
    removeClient.removeClientMessage = { client: { bundleIdentifier: APP } };
    messages.feed(removeClient);
    expect(manager.client).toBeUndefined();
  });

  it("takes a new display name from UPDATE_CLIENT", () => {
    const { messages, manager } = setup();
    messages.feed(nowPlayingClientMessage(APP, "Old"));
    const update = createMessage(MessageType.UPDATE_CLIENT_MESSAGE);
    update.updateClientMessage = { client: { bundleIdentifier: APP, displayName: "New" } };
    messages.feed(update);
    expect(manager.client?.displayName).toBe("New");
  });

  it("stops listening on close()", () => {
    const { messages, manager } = setup();
    manager.close();
    messages.feed(nowPlayingClientMessage(APP));
    expect(manager.client).toBeUndefined();
  });

  it("never throws on random message-like objects, and Playing stays well-formed", () => {
    const types = [
      MessageType.SET_STATE_MESSAGE,
      MessageType.UPDATE_CONTENT_ITEM_MESSAGE,
      MessageType.SET_NOW_PLAYING_CLIENT_MESSAGE,
      MessageType.SET_NOW_PLAYING_PLAYER_MESSAGE,
      MessageType.UPDATE_CLIENT_MESSAGE,
      MessageType.REMOVE_CLIENT_MESSAGE,
      MessageType.REMOVE_PLAYER_MESSAGE,
      MessageType.SET_DEFAULT_SUPPORTED_COMMANDS_MESSAGE,
    ];
    const fields = [
      "setStateMessage",
      "updateContentItemMessage",
      "setNowPlayingClientMessage",
      "setNowPlayingPlayerMessage",
      "updateClientMessage",
      "removeClientMessage",
      "removePlayerMessage",
      "setDefaultSupportedCommandsMessage",
    ];
    const keys = fc.constantFrom(
      "playbackState",
      "supportedCommands",
      "playbackQueue",
      "playerPath",
      "client",
      "player",
      "bundleIdentifier",
      "identifier",
      "displayName",
      "contentItems",
      "location",
      "metadata",
      "title",
      "duration",
      "elapsedTime",
      "elapsedTimeTimestamp",
      "playbackRate",
      "mediaType",
      "command",
      "shuffleMode",
      "repeatMode",
      "seasonNumber",
    );
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        fc.constant(null),
        fc.constant(undefined),
        fc.boolean(),
        fc.double(),
        fc.integer({ min: -5, max: 60 }),
        fc.string({ maxLength: 4 }),
        fc.constantFrom(APP, DEFAULT_PLAYER_ID, ""),
        fc.array(tie("value"), { maxLength: 3 }),
        fc.dictionary(keys, tie("value"), { maxKeys: 5 }),
      ),
    }));
    const message = fc
      .tuple(fc.integer({ min: 0, max: types.length - 1 }), value, fc.integer({ min: 0, max: 70 }))
      .map(([index, payload, odd]) => ({
        type: index % 3 === 2 ? odd : types[index],
        [fields[index] as string]: payload,
      }));
    fc.assert(
      fc.property(fc.array(message, { maxLength: 20 }), (list) => {
        const manager = new PlayerStateManager({ listen: () => () => {} });
        for (const item of list) manager.handle(item as ProtocolMessage);
        const playing = buildPlaying(manager.playing);
        expect(Object.values(DeviceState)).toContain(playing.deviceState);
        expect(Object.values(MediaType)).toContain(playing.mediaType);
        expect(typeof playing.hash).toBe("string");
        for (const field of ["title", "artist", "album", "genre", "seriesName"] as const) {
          expect(["string", "undefined"]).toContain(typeof playing[field]);
        }
      }),
      { numRuns: 500 },
    );
  });
});
