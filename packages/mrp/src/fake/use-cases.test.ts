import { describe, expect, it } from "vitest";
import { FAKE_APP_BUNDLE_ID, FAKE_APP_NAME } from "./now-playing.js";
import { FakeMrpState } from "./state.js";
import { FakeMrpUseCases } from "./use-cases.js";

/** The app a client that subscribes now is told of, and the title it plays. */
function announced(state: FakeMrpState) {
  const messages = state.nowPlaying.currentMessages();
  return {
    app: messages.at(-1)?.setNowPlayingClientMessage?.client,
    title: messages.find((m) => m.setStateMessage)?.setStateMessage?.playbackQueue
      ?.contentItems?.[0]?.metadata?.title,
  };
}

describe("FakeMrpUseCases.launchApp", () => {
  it("makes the launched app the one now playing, under its name, with nothing queued", () => {
    const state = new FakeMrpState();
    const useCases = new FakeMrpUseCases(state, new Set());
    useCases.exampleVideo();
    useCases.launchApp("com.netflix.Netflix", "Netflix");
    expect(state.nowPlaying.activeApp).toBe("com.netflix.Netflix");
    expect(announced(state)).toEqual({
      app: { bundleIdentifier: "com.netflix.Netflix", displayName: "Netflix" },
      title: undefined,
    });
  });

  it("brings back what an app played when it is launched again", () => {
    const state = new FakeMrpState();
    const useCases = new FakeMrpUseCases(state, new Set());
    useCases.exampleVideo();
    useCases.launchApp("com.netflix.Netflix", "Netflix");
    useCases.launchApp(FAKE_APP_BUNDLE_ID, FAKE_APP_NAME);
    expect(announced(state)).toEqual({
      app: { bundleIdentifier: FAKE_APP_BUNDLE_ID, displayName: FAKE_APP_NAME },
      title: "dummy",
    });
  });
});
