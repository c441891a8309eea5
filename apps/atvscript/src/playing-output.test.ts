import { createPlaying, DeviceState, MediaType, RepeatState, ShuffleState } from "@atv/core";
import { describe, expect, it } from "vitest";
import { playingValues } from "./playing-output.js";

describe("playingValues", () => {
  it("lays out Playing as pyatv's atvscript does", () => {
    const playing = createPlaying({
      mediaType: MediaType.Music,
      deviceState: DeviceState.Paused,
      title: "music",
      artist: "artist",
      album: "album",
      genre: "genre",
      totalTime: 49,
      position: 0,
      shuffle: ShuffleState.Songs,
      repeat: RepeatState.Track,
    });
    const values = playingValues(playing, { name: "Test app", identifier: "com.example" });
    expect(Object.keys(values)).toEqual([
      "hash",
      "media_type",
      "device_state",
      "title",
      "artist",
      "album",
      "genre",
      "total_time",
      "position",
      "shuffle",
      "repeat",
      "series_name",
      "season_number",
      "episode_number",
      "content_identifier",
      "itunes_store_identifier",
      "app",
      "app_id",
    ]);
    expect(values).toMatchObject({
      hash: playing.hash,
      media_type: "music",
      device_state: "paused",
      total_time: 49,
      // pyatv prints every falsy value as null, a position of 0 included.
      position: null,
      shuffle: "songs",
      repeat: "track",
      series_name: null,
      app: "Test app",
      app_id: "com.example",
    });
  });

  it("prints null app fields and tv in lower case", () => {
    const values = playingValues(createPlaying({ mediaType: MediaType.TV }), undefined);
    expect(values.media_type).toBe("tv");
    expect(values.device_state).toBe("idle");
    expect(values.shuffle).toBeNull();
    expect(values.app).toBeNull();
    expect(values.app_id).toBeNull();
  });
});
