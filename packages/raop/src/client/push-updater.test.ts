import {
  createPlaying,
  DeviceState,
  NoAsyncListenerError,
  type Playing,
  type PushListener,
} from "@atv/interface";
import { describe, expect, it } from "vitest";
import { RaopPushUpdater } from "./push-updater.js";

function fakeSource() {
  let current = createPlaying({ deviceState: DeviceState.Idle });
  const listeners = new Set<() => void>();
  return {
    playing: () => current,
    onStateChange(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(playing: Playing) {
      current = playing;
      for (const listener of listeners) listener();
    },
    get listening() {
      return listeners.size;
    },
  };
}

describe("RaopPushUpdater", () => {
  it("needs a listener, then tells it the state and each change once", async () => {
    const source = fakeSource();
    const updater = new RaopPushUpdater(source);
    expect(() => updater.start()).toThrow(NoAsyncListenerError);
    const seen: DeviceState[] = [];
    const listener: PushListener = {
      playstatusUpdate: (_, playing) => seen.push(playing.deviceState),
      playstatusError: () => {},
    };
    updater.listener = listener;
    updater.start();
    expect(updater.active).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 0));
    source.set(createPlaying({ deviceState: DeviceState.Playing, title: "x" }));
    source.set(createPlaying({ deviceState: DeviceState.Playing, title: "x" }));
    source.set(createPlaying({ deviceState: DeviceState.Idle }));
    expect(seen).toEqual([DeviceState.Idle, DeviceState.Playing, DeviceState.Idle]);
    updater.stop();
    expect(source.listening).toBe(0);
    source.set(createPlaying({ deviceState: DeviceState.Playing }));
    expect(seen).toHaveLength(3);
  });

  it("iterates the current state and changes until aborted", async () => {
    const source = fakeSource();
    const updater = new RaopPushUpdater(source);
    const controller = new AbortController();
    const seen: DeviceState[] = [];
    const iterating = (async () => {
      for await (const playing of updater.updates({ signal: controller.signal })) {
        seen.push(playing.deviceState);
        if (seen.length === 2) controller.abort();
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 0));
    source.set(createPlaying({ deviceState: DeviceState.Playing }));
    await iterating;
    expect(seen).toEqual([DeviceState.Idle, DeviceState.Playing]);
    expect(source.listening).toBe(0);
  });
});
