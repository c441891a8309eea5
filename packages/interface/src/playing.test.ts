import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DeviceState, MediaType, RepeatState, ShuffleState } from "./const.js";
import { createPlaying, playingEquals, playingHash, playingStr } from "./playing.js";

// Hashes computed with pyatv's formula: sha256(f"{title}{artist}{album}{total_time}").
const RICK = "be168ce454963c9f4c726bd9cddec3af39460361dda74206a0c5efcbeba206cf";
const NOTHING = "ca496c14642c78af6dd4250191fe175f6dafd72b4c33bcbab43c454aae051da1";
const UNICODE = "7f8c9b4c4b797dc0c83da888871c167de906271cc716f05d8e82ce9b1ccb54b4";

describe("playingHash", () => {
  it("equals pyatv's hash", () => {
    expect(
      playingHash({
        title: "Never Gonna Give You Up",
        artist: "Rick Astley",
        album: "Whenever You Need Somebody",
        totalTime: 213,
      }),
    ).toBe(RICK);
    expect(playingHash({})).toBe(NOTHING);
    expect(playingHash({ title: "Blåbär", artist: "Ärtan" })).toBe(UNICODE);
  });
});

describe("createPlaying", () => {
  it("defaults to an idle player with unknown media", () => {
    const playing = createPlaying();
    expect(playing.mediaType).toBe(MediaType.Unknown);
    expect(playing.deviceState).toBe(DeviceState.Idle);
    expect(playing.title).toBeUndefined();
    expect(playing.hash).toBe(NOTHING);
    expect(Object.keys(playing)).toHaveLength(16);
    expect(Object.isFrozen(playing)).toBe(true);
  });

  it("keeps a hash the device sent, else computes it", () => {
    expect(createPlaying({ hash: "abc", title: "x" }).hash).toBe("abc");
    expect(createPlaying({ hash: "", title: "Blåbär", artist: "Ärtan" }).hash).toBe(UNICODE);
  });

  it("keeps the position between 0 and the total time", () => {
    expect(createPlaying({ position: -5 }).position).toBe(0);
    expect(createPlaying({ position: 50, totalTime: 40 }).position).toBe(40);
    expect(createPlaying({ position: 30, totalTime: 40 }).position).toBe(30);
    expect(createPlaying({ position: 50 }).position).toBe(50);
    expect(createPlaying({ position: 0, totalTime: 40 }).position).toBe(0);
  });

  it("bounds any position", () => {
    fc.assert(
      fc.property(fc.integer(), fc.option(fc.nat(), { nil: undefined }), (position, totalTime) => {
        const result = createPlaying({ position, totalTime }).position ?? 0;
        expect(result).toBeGreaterThanOrEqual(0);
        if (totalTime) expect(result).toBeLessThanOrEqual(totalTime);
      }),
    );
  });
});

describe("playingEquals", () => {
  it("compares every field", () => {
    const a = createPlaying({ title: "a", position: 1, seasonNumber: 2 });
    expect(playingEquals(a, createPlaying({ title: "a", position: 1, seasonNumber: 2 }))).toBe(
      true,
    );
    expect(playingEquals(a, createPlaying({ title: "a", position: 2, seasonNumber: 2 }))).toBe(
      false,
    );
    expect(playingEquals(a, createPlaying({ title: "a", position: 1, seasonNumber: 3 }))).toBe(
      false,
    );
    expect(playingEquals(a, createPlaying({ title: "a", position: 1 }))).toBe(false);
    expect(playingEquals(a, { ...a, itunesStoreIdentifier: 7 })).toBe(false);
  });
});

describe("playingStr", () => {
  it("prints every field as pyatv does", () => {
    const playing = createPlaying({
      mediaType: MediaType.Music,
      deviceState: DeviceState.Playing,
      title: "Title",
      artist: "Artist",
      album: "Album",
      genre: "Genre",
      seriesName: "Series",
      seasonNumber: 1,
      episodeNumber: 2,
      contentIdentifier: "cid",
      position: 1,
      totalTime: 3,
      repeat: RepeatState.Track,
      shuffle: ShuffleState.Albums,
      itunesStoreIdentifier: 123,
    });
    expect(playingStr(playing)).toBe(
      [
        "  Media type: Music",
        "Device state: Playing",
        "       Title: Title",
        "      Artist: Artist",
        "       Album: Album",
        "       Genre: Genre",
        " Series Name: Series",
        "      Season: 1",
        "     Episode: 2",
        "  Identifier: cid",
        "    Position: 1/3s (33.3%)",
        "      Repeat: Track",
        "     Shuffle: Albums",
        "iTunes Store Identifier: 123",
      ].join("\n"),
    );
  });

  it("prints only the two states when nothing is known", () => {
    expect(playingStr(createPlaying())).toBe("  Media type: Unknown\nDevice state: Idle");
  });

  it("prints position and total time as pyatv chooses", () => {
    const line = (position?: number, totalTime?: number) =>
      playingStr(createPlaying({ position, totalTime })).split("\n").slice(2);
    expect(line(5)).toEqual(["    Position: 5s"]);
    expect(line(0)).toEqual([]);
    expect(line(undefined, 50)).toEqual(["  Total time: 50s"]);
    expect(line(0, 50)).toEqual(["    Position: 0/50s (0.0%)"]);
    expect(line(0, 0)).toEqual([]);
    expect(line(7, 0)).toEqual(["    Position: 7s"]);
    expect(line(undefined, 0)).toEqual(["  Total time: 0s"]);
  });

  // Percentages printed by Python's "{:.1%}" for the same ratios.
  it.each([
    [1, 3, "33.3%"],
    [49, 400, "12.2%"],
    [51, 400, "12.8%"],
    [1, 8, "12.5%"],
    [3, 8, "37.5%"],
    [100, 100, "100.0%"],
    [7, 9, "77.8%"],
    [1, 800, "0.1%"],
    [147, 1200, "12.2%"],
  ])("prints %i/%i as %s", (position, totalTime, percent) => {
    expect(playingStr(createPlaying({ position, totalTime }))).toContain(`(${percent})`);
  });

  it("skips an empty content identifier, as pyatv does", () => {
    expect(playingStr(createPlaying({ contentIdentifier: "" }))).not.toContain("Identifier");
  });
});
