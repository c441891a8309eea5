import { createPlaying, type FacadeAppleTV, MediaType, type Metadata } from "@atv/core";
import { describe, expect, it } from "vitest";
import { isNowPlayingCommand, runNowPlayingCommand } from "./now-playing-commands.js";

function device(metadata: Partial<Metadata>): FacadeAppleTV {
  return { metadata } as unknown as FacadeAppleTV;
}

describe("now-playing commands", () => {
  it("knows playing and app only", () => {
    expect(isNowPlayingCommand("playing")).toBe(true);
    expect(isNowPlayingCommand("app")).toBe(true);
    expect(isNowPlayingCommand("play")).toBe(false);
    expect(isNowPlayingCommand("toString")).toBe(false);
  });

  it("prints playing in pyatv's layout", async () => {
    const playing = createPlaying({ mediaType: MediaType.Video, title: "dummy", totalTime: 10 });
    const out = await runNowPlayingCommand(device({ playing: async () => playing }), "playing");
    expect(out.split("\n")).toEqual([
      "  Media type: Video",
      "Device state: Idle",
      "       Title: dummy",
      "  Total time: 10s",
    ]);
  });

  it("prints the app as pyatv's App, or nothing", async () => {
    const app = { name: "Test app", identifier: "com.example" };
    expect(await runNowPlayingCommand(device({ app }), "app")).toBe("App: Test app (com.example)");
    expect(await runNowPlayingCommand(device({ app: undefined }), "app")).toBe("");
  });
});
