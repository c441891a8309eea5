import { readFileSync } from "node:fs";
import {
  createPlaying,
  DeviceState,
  InvalidDmapDataError,
  MediaType,
  RepeatState,
  ShuffleState,
  UnknownMediaKindError,
  UnknownPlayStateError,
} from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type DmapNode, decodeDmap, dmapTag } from "../tags/index.js";
import { buildPlaying, mediaKind, msToS, playState } from "./playing.js";

interface Vector {
  note: string;
  hex: string;
}
const vectors: Vector[] = JSON.parse(
  readFileSync(new URL("../../../../../shared/vectors/dmap.json", import.meta.url), "utf8"),
).vectors;
const vector = (start: string): Uint8Array => {
  const found = vectors.find((v) => v.note.startsWith(start));
  if (!found) throw new Error(`no vector ${start}`);
  return new Uint8Array(Buffer.from(found.hex, "hex"));
};

const playstatus = (...fields: Uint8Array[]): DmapNode[] =>
  decodeDmap(dmapTag.container("cmst", ...fields));

describe("mediaKind", () => {
  const kinds: [number, MediaType][] = [
    [1, MediaType.Unknown],
    [32770, MediaType.Unknown],
    ...[3, 7, 11, 12, 13, 18, 32].map((k): [number, MediaType] => [k, MediaType.Video]),
    ...[2, 4, 10, 14, 17, 21, 36].map((k): [number, MediaType] => [k, MediaType.Music]),
    [8, MediaType.TV],
    [64, MediaType.TV],
  ];
  it.each(kinds)("maps kind %d as pyatv", (kind, type) => {
    expect(mediaKind(kind)).toBe(type);
  });

  it("refuses an unknown kind with UnknownMediaKindError", () => {
    expect(() => mediaKind(5)).toThrow(UnknownMediaKindError);
  });
});

describe("playState", () => {
  it.each([
    [undefined, DeviceState.Idle],
    [0, DeviceState.Idle],
    [1, DeviceState.Loading],
    [2, DeviceState.Stopped],
    [3, DeviceState.Paused],
    [4, DeviceState.Playing],
    [5, DeviceState.Seeking],
    [6, DeviceState.Seeking],
  ])("maps caps %s as pyatv", (caps, state) => {
    expect(playState(caps)).toBe(state);
  });

  it("refuses an unknown state with UnknownPlayStateError", () => {
    expect(() => playState(7)).toThrow(UnknownPlayStateError);
  });
});

describe("msToS", () => {
  it("rounds as Python's round, and takes missing or 2^32-1 and up for 0", () => {
    expect(msToS(undefined)).toBe(0);
    expect(msToS(2 ** 32 - 1)).toBe(0);
    expect(msToS(1499)).toBe(1);
    expect(msToS(1500)).toBe(2);
    expect(msToS(2500)).toBe(2);
    expect(msToS(3500)).toBe(4);
    expect(msToS(2501)).toBe(3);
  });
});

describe("buildPlaying", () => {
  it("reads pyatv's playstatus vector", () => {
    const playing = buildPlaying(decodeDmap(vector("playstatusupdate: playing")));
    expect(playing).toEqual(
      createPlaying({
        mediaType: MediaType.Music,
        deviceState: DeviceState.Playing,
        title: "Title",
        artist: "Artist",
        album: "Album",
        genre: "Genre",
        totalTime: 300,
        position: 100,
        shuffle: ShuffleState.Songs,
        repeat: RepeatState.All,
      }),
    );
  });

  it("reads nothing playing as Stopped with total time 0, as pyatv", () => {
    const playing = buildPlaying(decodeDmap(vector("playstatusupdate: nothing playing")));
    expect(playing.deviceState).toBe(DeviceState.Stopped);
    expect(playing.mediaType).toBe(MediaType.Video);
    expect(playing.totalTime).toBe(0);
    expect(playing.position).toBeUndefined();
    expect(playing.shuffle).toBe(ShuffleState.Off);
    expect(playing.repeat).toBe(RepeatState.Off);
    // pyatv hashes "None" for each missing text and "0" for the total time.
    expect(playing.hash).toBe(createPlaying({ totalTime: 0 }).hash);
  });

  it("is Idle and Unknown without a play state", () => {
    const playing = buildPlaying(playstatus(dmapTag.uint32("cmmk", 2)));
    expect(playing.deviceState).toBe(DeviceState.Idle);
    expect(playing.mediaType).toBe(MediaType.Unknown);
  });

  it("guesses music from artist or album without a media kind, else video", () => {
    const caps = dmapTag.uint32("caps", 4);
    expect(buildPlaying(playstatus(caps, dmapTag.string("cana", "a"))).mediaType).toBe(
      MediaType.Music,
    );
    expect(buildPlaying(playstatus(caps, dmapTag.string("canl", "b"))).mediaType).toBe(
      MediaType.Music,
    );
    expect(buildPlaying(playstatus(caps, dmapTag.string("cann", "t"))).mediaType).toBe(
      MediaType.Video,
    );
    expect(buildPlaying(playstatus(caps, dmapTag.uint32("cmmk", 8))).mediaType).toBe(MediaType.TV);
  });

  it("takes the position as total time minus remaining time, in seconds", () => {
    const playing = buildPlaying(
      playstatus(
        dmapTag.uint32("caps", 3),
        dmapTag.uint32("cast", 123_000),
        dmapTag.uint32("cant", 120_000),
      ),
    );
    expect(playing.totalTime).toBe(123);
    expect(playing.position).toBe(3);
    expect(playing.deviceState).toBe(DeviceState.Paused);
  });

  it("has no position without a remaining time", () => {
    const playing = buildPlaying(playstatus(dmapTag.uint32("cast", 123_000)));
    expect(playing.position).toBeUndefined();
  });

  it("reads any shuffle as songs and every repeat mode", () => {
    expect(buildPlaying(playstatus(dmapTag.uint8("cash", 1))).shuffle).toBe(ShuffleState.Songs);
    expect(buildPlaying(playstatus(dmapTag.uint8("cash", 2))).shuffle).toBe(ShuffleState.Songs);
    expect(buildPlaying(playstatus(dmapTag.uint8("cash", 0))).shuffle).toBe(ShuffleState.Off);
    expect(buildPlaying(playstatus(dmapTag.uint8("carp", 1))).repeat).toBe(RepeatState.Track);
    expect(() => buildPlaying(playstatus(dmapTag.uint8("carp", 3)))).toThrow(InvalidDmapDataError);
  });

  it("refuses a field of the wrong type with InvalidDmapDataError", () => {
    const wrong: DmapNode[] = [
      { tag: "cmst", type: "container", value: [{ tag: "caps", type: "string", value: "4" }] },
    ];
    expect(() => buildPlaying(wrong)).toThrow(InvalidDmapDataError);
    const wrongTitle: DmapNode[] = [
      { tag: "cmst", type: "container", value: [{ tag: "cann", type: "uint", value: 4 }] },
    ];
    expect(() => buildPlaying(wrongTitle)).toThrow(InvalidDmapDataError);
  });
});

// What a bad answer may throw: the typed errors, nothing else.
function expectTypedFailure(build: () => unknown): void {
  try {
    build();
  } catch (error) {
    const typed =
      error instanceof InvalidDmapDataError ||
      error instanceof UnknownMediaKindError ||
      error instanceof UnknownPlayStateError;
    if (!typed) throw error;
  }
}

describe("buildPlaying fuzz", () => {
  const base = vector("playstatusupdate: playing");

  it("never throws but a typed error for random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expectTypedFailure(() => buildPlaying(decodeDmap(bytes)));
      }),
      { numRuns: 500 },
    );
  });

  it("never throws but a typed error for mutated playstatus answers", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 6,
        }),
        (mutations) => {
          const bytes = base.slice();
          for (const [at, value] of mutations) bytes[at] = value;
          expectTypedFailure(() => buildPlaying(decodeDmap(bytes)));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("never throws but a typed error for playstatus fields of any value", () => {
    const tags = ["caps", "cann", "cana", "canl", "cang", "cast", "cant", "cmmk", "cash", "carp"];
    const node = fc.record({
      tag: fc.constantFrom(...tags),
      type: fc.constantFrom("uint", "string", "bool", "raw") as fc.Arbitrary<DmapNode["type"]>,
      value: fc.oneof(
        fc.integer(),
        fc.nat({ max: 2 ** 32 + 10 }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.string(),
        fc.boolean(),
        fc.double(),
      ),
    });
    fc.assert(
      fc.property(fc.array(node, { maxLength: 10 }), (fields) => {
        expectTypedFailure(() => buildPlaying([{ tag: "cmst", type: "container", value: fields }]));
      }),
      { numRuns: 1000 },
    );
  });
});
