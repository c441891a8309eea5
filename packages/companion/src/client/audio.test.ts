import {
  ConnectionLostError,
  FeatureName,
  FeatureState,
  NotSupportedError,
  OperationTimeoutError,
  PowerState,
  ProtocolError,
} from "@atv/interface";
import { describe, expect, it } from "vitest";
import { MediaControlFlags } from "../device-status.js";
import { OpackFloat, type OpackValue } from "../opack.js";
import { CompanionAudio } from "./audio.js";
import { CompanionFeatures, SUPPORTED_FEATURES } from "./features.js";
import { StubProtocol } from "./stub-protocol.js";

const dict = (entries: Record<string, OpackValue>) =>
  new Map<OpackValue, OpackValue>(Object.entries(entries));

/** A device at `level` (0 to 1) that reports `_iMC` after each change it takes. */
function device(level: number) {
  const protocol = new StubProtocol();
  const state = { level, flags: MediaControlFlags.Volume as number, reports: true };
  const report = () => {
    if (state.reports) setImmediate(() => protocol.emit("_iMC", { _mcF: state.flags }));
  };
  protocol.answers.set("_mcc", (content) => {
    const c = content as Record<string, unknown>;
    if (c._mcc === 5) return dict({ _vol: new OpackFloat(state.level) });
    if (c._mcc === 6) {
      state.level = (c._vol as OpackFloat).value;
      report();
    }
    return dict({});
  });
  protocol.answers.set("_hidC", (content) => {
    const c = content as Record<string, unknown>;
    if (c._hBtS === 2) {
      state.level = Math.min(1, Math.max(0, state.level + (c._hidC === 8 ? 0.05 : -0.05)));
      report();
    }
    return dict({});
  });
  return { protocol, state };
}

function heard(audio: CompanionAudio): string[] {
  const log: string[] = [];
  audio.listener = {
    volumeUpdate: (old, level) => log.push(`${old}->${level}`),
    volumeDeviceUpdate: () => {},
    outputdevicesUpdate: () => {},
  };
  return log;
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("CompanionAudio", () => {
  it("fetches the volume while the device offers volume control, else knows 0", async () => {
    const { protocol } = device(0.3);
    const audio = new CompanionAudio(protocol);
    const log = heard(audio);
    expect(audio.volume).toBe(0);
    protocol.emit("_iMC", { _mcF: MediaControlFlags.Volume | MediaControlFlags.Play });
    await settle();
    expect(audio.volume).toBeCloseTo(30);
    expect(protocol.sent.at(-1)).toEqual({
      kind: "request",
      identifier: "_mcc",
      content: { _mcc: 5 },
    });
    const sent = protocol.sent.length;
    protocol.emit("_iMC", { _mcF: MediaControlFlags.Play });
    await settle();
    expect(audio.volume).toBe(0);
    expect(protocol.sent).toHaveLength(sent);
    protocol.emit("_iMC", {});
    await settle();
    expect(log).toHaveLength(2);
    expect(log[1]).toMatch(/->0$/);
  });

  it("keeps only the newest of overlapping fetches", async () => {
    const protocol = new StubProtocol();
    let releaseFirst: (value: OpackValue) => void = () => {};
    let calls = 0;
    protocol.answers.set("_mcc", () => {
      calls += 1;
      if (calls === 1) return new Promise<OpackValue>((resolve) => (releaseFirst = resolve));
      return dict({ _vol: 0.5 });
    });
    const audio = new CompanionAudio(protocol);
    protocol.emit("_iMC", { _mcF: MediaControlFlags.Volume });
    protocol.emit("_iMC", { _mcF: MediaControlFlags.Volume });
    await settle();
    releaseFirst(dict({ _vol: 0.2 }));
    await settle();
    expect(audio.volume).toBe(50);
  });

  it("sets the volume as a float fraction and resolves on the device's report", async () => {
    const { protocol, state } = device(0.1);
    const audio = new CompanionAudio(protocol);
    const log = heard(audio);
    await audio.setVolume(40);
    expect(state.level).toBeCloseTo(0.4);
    expect(audio.volume).toBeCloseTo(40);
    const set = protocol.sent.find((s) => (s.content as Record<string, unknown>)._mcc === 6);
    expect(set?.content).toEqual({ _mcc: 6, _vol: new OpackFloat(0.4) });
    // 100 stays a float on the wire, as pyatv's level / 100.0.
    await audio.setVolume(100);
    expect(protocol.sent.at(-2)?.content).toEqual({ _mcc: 6, _vol: new OpackFloat(1) });
    expect(log.length).toBe(2);
  });

  it("steps the volume with the HID volume buttons", async () => {
    const { protocol } = device(0.5);
    const audio = new CompanionAudio(protocol);
    await audio.volumeUp();
    expect(audio.volume).toBeCloseTo(55);
    await audio.volumeDown();
    await audio.volumeDown();
    expect(audio.volume).toBeCloseTo(45);
    const buttons = protocol.sent
      .filter((s) => s.identifier === "_hidC")
      .map((s) => (s.content as Record<string, unknown>)._hidC);
    expect(buttons).toEqual([8, 8, 9, 9, 9, 9]);
  });

  it("refuses levels outside 0 to 100 and output devices before sending", async () => {
    const { protocol } = device(0.5);
    const audio = new CompanionAudio(protocol);
    for (const level of [-1, 100.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(audio.setVolume(level)).rejects.toBeInstanceOf(ProtocolError);
    }
    await expect(
      audio.setVolume(10, { outputDevice: { identifier: "x", name: "X", volume: 0 } }),
    ).rejects.toBeInstanceOf(NotSupportedError);
    expect(protocol.sent).toEqual([]);
  });

  it("is an OperationTimeoutError when the device never reports, and honours a signal", async () => {
    const { protocol, state } = device(0.5);
    state.reports = false;
    const audio = new CompanionAudio(protocol, { updateTimeout: 20 });
    await expect(audio.setVolume(30)).rejects.toBeInstanceOf(OperationTimeoutError);
    const reason = new Error("stop");
    await expect(audio.volumeUp({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    const controller = new AbortController();
    const waiting = audio.volumeDown({ signal: controller.signal });
    await settle();
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
  });

  it("fails waiting calls with ConnectionLostError when closed", async () => {
    const { protocol, state } = device(0.5);
    state.reports = false;
    const audio = new CompanionAudio(protocol);
    const waiting = audio.setVolume(20);
    await settle();
    audio.close();
    await expect(waiting).rejects.toBeInstanceOf(ConnectionLostError);
    await expect(audio.setVolume(20)).rejects.toBeInstanceOf(ConnectionLostError);
    expect(protocol.listenerCount("_iMC")).toBe(0);
  });
});

describe("CompanionFeatures", () => {
  it("follows the media control flags for playback and volume", () => {
    const protocol = new StubProtocol();
    const features = new CompanionFeatures(protocol, { powerState: PowerState.Unknown });
    const state = (name: FeatureName) => features.getFeature(name).state;
    expect(state(FeatureName.Play)).toBe(FeatureState.Unavailable);
    protocol.emit("_iMC", {
      _mcF: MediaControlFlags.Play | MediaControlFlags.Volume | MediaControlFlags.SkipBackward,
    });
    expect(state(FeatureName.Play)).toBe(FeatureState.Available);
    expect(state(FeatureName.Volume)).toBe(FeatureState.Available);
    expect(state(FeatureName.SetVolume)).toBe(FeatureState.Available);
    expect(state(FeatureName.SkipBackward)).toBe(FeatureState.Available);
    expect(state(FeatureName.Pause)).toBe(FeatureState.Unavailable);
    expect(state(FeatureName.SkipForward)).toBe(FeatureState.Unavailable);
    protocol.emit("_iMC", { _mcF: MediaControlFlags.NoControls });
    expect(state(FeatureName.Play)).toBe(FeatureState.Unavailable);
  });

  it("offers pyatv's fixed set, power state once known, and leaves the rest to others", () => {
    const power = { powerState: PowerState.Unknown as PowerState };
    const features = new CompanionFeatures(new StubProtocol(), power);
    const state = (name: FeatureName) => features.getFeature(name).state;
    for (const name of [
      FeatureName.TextSet,
      FeatureName.TextFocusState,
      FeatureName.Swipe,
      FeatureName.Click,
      FeatureName.AppList,
      FeatureName.ControlCenter,
    ]) {
      expect(state(name)).toBe(FeatureState.Available);
    }
    expect(SUPPORTED_FEATURES.has(FeatureName.PowerState)).toBe(true);
    expect(state(FeatureName.PowerState)).toBe(FeatureState.Unsupported);
    power.powerState = PowerState.Off;
    expect(state(FeatureName.PowerState)).toBe(FeatureState.Available);
    expect(state(FeatureName.PlayUrl)).toBe(FeatureState.Unsupported);
    expect(state(FeatureName.Artwork)).toBe(FeatureState.Unsupported);
  });
});
