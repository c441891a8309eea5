import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyCommand,
  DMAP_TRANSPORT_COMMANDS,
  DmapPlayStatus,
  DmapRepeat,
  type FakeDmapItem,
  type FakeDmapPlayer,
  IDLE_PLAYER,
  positionAt,
  seek,
  settle,
} from "./player.js";

const items: FakeDmapItem[] = [
  { title: "a", totalTime: 10 },
  { title: "b", totalTime: 20 },
];
const playing: FakeDmapPlayer = {
  ...IDLE_PLAYER,
  items,
  status: DmapPlayStatus.Playing,
  positionMs: 0,
  positionAt: 1000,
};

describe("player", () => {
  it("runs the position on while playing, not while paused, clamped to the item", () => {
    expect(positionAt(playing, 4000)).toBe(3000);
    expect(positionAt(playing, 4000, true)).toBe(0);
    expect(positionAt({ ...playing, status: DmapPlayStatus.Paused }, 4000)).toBe(0);
    expect(positionAt(playing, 1_000_000)).toBe(10_000);
    expect(
      positionAt({ ...playing, status: DmapPlayStatus.Rewinding, positionMs: 1000 }, 5000),
    ).toBe(0);
  });

  it("moves to the next item at the end, repeats, and stops past the last", () => {
    expect(settle(playing, 5000)).toBe(playing);
    const next = settle(playing, 12_000);
    expect(next.index).toBe(1);
    expect(positionAt(next, 12_000)).toBe(1000);
    expect(settle(playing, 100_000).status).toBe(DmapPlayStatus.Stopped);
    const all = settle({ ...playing, repeat: DmapRepeat.All }, 1000 + 30_000 + 2000);
    expect([all.index, positionAt(all, 33_000)]).toEqual([0, 2000]);
    const one = settle({ ...playing, repeat: DmapRepeat.Track }, 1000 + 25_000);
    expect([one.index, positionAt(one, 26_000)]).toEqual([0, 5000]);
  });

  it("obeys commands; nothing changes while idle", () => {
    expect(applyCommand(IDLE_PLAYER, "play", 0)).toBe(IDLE_PLAYER);
    const paused = applyCommand(playing, "pause", 3000);
    expect([paused.status, paused.positionMs]).toEqual([DmapPlayStatus.Paused, 2000]);
    expect(applyCommand(paused, "playpause", 4000).status).toBe(DmapPlayStatus.Playing);
    expect(applyCommand(paused, "pause", 4000)).toEqual({ ...paused, positionAt: 4000 });
    expect(applyCommand(playing, "previtem", 1500).index).toBe(1);
    expect(applyCommand(playing, "previtem", 6000)).toMatchObject({ index: 0, positionMs: 0 });
    expect(seek(playing, 50_000, 2000).positionMs).toBe(10_000);
  });

  it("keeps any player sound under any command sequence", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...DMAP_TRANSPORT_COMMANDS), fc.nat(100_000))),
        fc.constantFrom(DmapRepeat.Off, DmapRepeat.Track, DmapRepeat.All),
        (commands, repeat) => {
          let player: FakeDmapPlayer = { ...playing, repeat };
          let now = 1000;
          for (const [command, wait] of commands) {
            now += wait;
            player = applyCommand(settle(player, now), command, now);
            expect(player.index).toBeGreaterThanOrEqual(0);
            expect(player.index).toBeLessThan(items.length);
            const position = positionAt(player, now);
            expect(position).toBeGreaterThanOrEqual(0);
            expect(position).toBeLessThanOrEqual((items[player.index]?.totalTime ?? 0) * 1000);
          }
        },
      ),
    );
  });
});
