import {
  createPlaying,
  NoAsyncListenerError,
  type Playing,
  type PushListener,
  type PushUpdater,
} from "@atv/interface";
import { describe, expect, it } from "vitest";
import { MrpPushUpdater, type PlayingSource } from "./push-updater.js";

/** A source whose state the test sets; `set` tells listeners as a device message would. */
function source(initial: Playing = createPlaying()) {
  let current = initial;
  let failure: Error | undefined;
  const listeners = new Set<() => void>();
  const playingSource: PlayingSource = {
    playingNow: () => {
      if (failure) throw failure;
      return current;
    },
    onChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return {
    playingSource,
    listenerCount: () => listeners.size,
    set(playing: Playing) {
      current = playing;
      for (const listener of [...listeners]) listener();
    },
    fail(error: Error) {
      failure = error;
      for (const listener of [...listeners]) listener();
    },
  };
}

function recorder() {
  const updates: Playing[] = [];
  const errors: Error[] = [];
  let wake: (() => void) | undefined;
  const listener: PushListener = {
    playstatusUpdate: (_updater: PushUpdater, playing: Playing) => {
      updates.push(playing);
      wake?.();
    },
    playstatusError: (_updater: PushUpdater, error: Error) => {
      errors.push(error);
      wake?.();
    },
  };
  const next = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
    });
  return { listener, updates, errors, next };
}

const video = createPlaying({ title: "video" });
const music = createPlaying({ title: "music" });

describe("MrpPushUpdater", () => {
  it("needs a listener to start", () => {
    const updater = new MrpPushUpdater(source().playingSource);
    expect(() => updater.start()).toThrow(NoAsyncListenerError);
    expect(updater.active).toBe(false);
  });

  it("tells the listener the current state first, then changes only", async () => {
    const state = source(video);
    const updater = new MrpPushUpdater(state.playingSource);
    const { listener, updates, next } = recorder();
    updater.listener = listener;
    let first = next();
    updater.start();
    expect(updater.active).toBe(true);
    expect(updates).toEqual([]);
    await first;
    expect(updates).toEqual([video]);
    state.set(createPlaying({ title: "video" }));
    first = next();
    state.set(music);
    await first;
    expect(updates).toEqual([video, music]);
    updater.stop();
    state.set(video);
    expect(updates).toEqual([video, music]);
    expect(updater.active).toBe(false);
    expect(state.listenerCount()).toBe(0);
  });

  it("hands errors to the listener and stops", async () => {
    const state = source(video);
    const updater = new MrpPushUpdater(state.playingSource);
    const { listener, errors, next } = recorder();
    updater.listener = listener;
    const first = next();
    updater.start();
    await first;
    const boom = new Error("boom");
    state.fail(boom);
    expect(errors).toEqual([boom]);
    expect(updater.active).toBe(false);
  });

  it("keeps going when the listener throws", async () => {
    const state = source(video);
    const updater = new MrpPushUpdater(state.playingSource);
    const seen: Playing[] = [];
    updater.listener = {
      playstatusUpdate: (_u, playing) => {
        seen.push(playing);
        throw new Error("listener bug");
      },
      playstatusError: () => {},
    };
    updater.start();
    await new Promise((resolve) => setTimeout(resolve, 0));
    state.set(music);
    expect(seen).toEqual([video, music]);
    expect(updater.active).toBe(true);
  });

  it("iterates: current state first, no repeats, ends on stop()", async () => {
    const state = source(video);
    const updater = new MrpPushUpdater(state.playingSource);
    const iterator = updater.updates()[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ done: false, value: video });
    const pending = iterator.next();
    state.set(createPlaying({ title: "video" }));
    state.set(music);
    expect(await pending).toEqual({ done: false, value: music });
    const end = iterator.next();
    updater.stop();
    expect(await end).toEqual({ done: true, value: undefined });
    expect(state.listenerCount()).toBe(0);
  });

  it("ends an iterator when its signal aborts", async () => {
    const state = source(video);
    const updater = new MrpPushUpdater(state.playingSource);
    const controller = new AbortController();
    const seen: Playing[] = [];
    const done = (async () => {
      for await (const playing of updater.updates({ signal: controller.signal })) {
        seen.push(playing);
        if (seen.length === 2) controller.abort();
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 0));
    state.set(music);
    await done;
    expect(seen).toEqual([video, music]);
    expect(state.listenerCount()).toBe(0);
  });

  it("throws the error that ended updates from the iterator", async () => {
    const state = source(video);
    const updater = new MrpPushUpdater(state.playingSource);
    const iterator = updater.updates()[Symbol.asyncIterator]();
    await iterator.next();
    const pending = iterator.next();
    const lost = new Error("connection lost");
    updater.finish(lost);
    await expect(pending).rejects.toBe(lost);
    // Later iterators hear the same.
    await expect(updater.updates()[Symbol.asyncIterator]().next()).rejects.toBe(lost);
  });

  it("delivers a lost connection to an active listener", async () => {
    const state = source(video);
    const updater = new MrpPushUpdater(state.playingSource);
    const { listener, errors } = recorder();
    updater.listener = listener;
    updater.start();
    const lost = new Error("lost");
    updater.finish(lost);
    expect(errors).toEqual([lost]);
    expect(updater.active).toBe(false);
  });
});
