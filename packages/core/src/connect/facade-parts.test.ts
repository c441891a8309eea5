import {
  AppleTV,
  type AudioListener,
  FeatureName,
  FeatureState,
  NotSupportedError,
  type OutputDevice,
  type PowerListener,
  PowerState,
  Protocol,
  ProtocolError,
  type ProtocolSession,
  type PushUpdater,
} from "@atv/interface";
import { describe, expect, it } from "vitest";
import { FacadeAppleTV } from "./facade-apple-tv.js";

function facade(...sessions: ProtocolSession[]): FacadeAppleTV {
  const atv = new FacadeAppleTV(new AppleTV({ address: "127.0.0.1", name: "Test" }));
  for (const session of sessions) atv.addSession(session);
  return atv;
}

const close = async () => {};

function audioSession(protocol: Protocol, volume: number, calls: string[] = []) {
  const audio = {
    listener: undefined as AudioListener | undefined,
    volume,
    outputDevices: [] as OutputDevice[],
    async setVolume(level: number) {
      calls.push(`${protocol}:setVolume:${level}`);
    },
  };
  return { session: { protocol, audio, close } satisfies ProtocolSession, audio };
}

function powerSession(protocol: Protocol, state: PowerState, calls: string[] = []) {
  const power = {
    listener: undefined as PowerListener | undefined,
    powerState: state,
    async turnOn(opts?: { awaitNewState?: boolean }) {
      calls.push(`${protocol}:turnOn:${opts?.awaitNewState ?? false}`);
    },
  };
  return { session: { protocol, power, close } satisfies ProtocolSession, power };
}

describe("FacadeAppleTV audio", () => {
  it("relays to the highest-priority protocol and checks the level", async () => {
    const calls: string[] = [];
    const airplay = audioSession(Protocol.AirPlay, 10, calls);
    const mrp = audioSession(Protocol.MRP, 40, calls);
    const atv = facade(airplay.session, mrp.session);
    expect(atv.audio.volume).toBe(40);
    await atv.audio.setVolume(55);
    expect(calls).toEqual([`${Protocol.MRP}:setVolume:55`]);
    await expect(atv.audio.setVolume(101)).rejects.toBeInstanceOf(ProtocolError);
    await expect(atv.audio.setVolume(Number.NaN)).rejects.toBeInstanceOf(ProtocolError);
    mrp.audio.volume = 130;
    expect(() => atv.audio.volume).toThrow(ProtocolError);
    await expect(atv.audio.volumeUp()).rejects.toBeInstanceOf(NotSupportedError);
  });

  it("forwards changes only, from any protocol", () => {
    const mrp = audioSession(Protocol.MRP, 0);
    const atv = facade(mrp.session);
    const heard: string[] = [];
    atv.audio.listener = {
      volumeUpdate: (old, level) => heard.push(`volume ${old}->${level}`),
      volumeDeviceUpdate: (device, old, level) =>
        heard.push(`${device.identifier} ${old}->${level}`),
      outputdevicesUpdate: (_old, devices) =>
        heard.push(`devices ${devices.map((d) => d.identifier).join(",")}`),
    };
    const listener = mrp.audio.listener as AudioListener | undefined;
    expect(listener).toBeDefined();
    listener?.volumeUpdate(0, 20);
    listener?.volumeUpdate(20, 20);
    listener?.volumeDeviceUpdate({ identifier: "x", name: "X", volume: 5 }, 5, 5);
    listener?.volumeDeviceUpdate({ identifier: "x", name: "X", volume: 5 }, 5, 9);
    const devices = [{ identifier: "a", name: "A", volume: 0 }];
    listener?.outputdevicesUpdate([], devices);
    listener?.outputdevicesUpdate(devices, [{ ...devices[0]!, volume: 3 }]);
    expect(heard).toEqual(["volume 0->20", "x 5->9", "devices a"]);
  });
});

describe("FacadeAppleTV power", () => {
  it("prefers Companion, then MRP, and forwards changes", async () => {
    const calls: string[] = [];
    const mrp = powerSession(Protocol.MRP, PowerState.On, calls);
    const companion = powerSession(Protocol.Companion, PowerState.Off, calls);
    const atv = facade(mrp.session, companion.session);
    expect(atv.power.powerState).toBe(PowerState.Off);
    await atv.power.turnOn({ awaitNewState: true });
    expect(calls).toEqual([`${Protocol.Companion}:turnOn:true`]);
    await expect(atv.power.turnOff()).rejects.toBeInstanceOf(NotSupportedError);

    // Only the main power protocol's updates reach the listener (pyatv's main_instance):
    // MRP tells of the same change Companion does.
    const heard: PowerState[] = [];
    atv.power.listener = { powerstateUpdate: (_old, state) => heard.push(state) };
    const mrpListener = mrp.power.listener as PowerListener | undefined;
    const companionListener = companion.power.listener as PowerListener | undefined;
    mrpListener?.powerstateUpdate(PowerState.On, PowerState.Off);
    companionListener?.powerstateUpdate(PowerState.On, PowerState.On);
    companionListener?.powerstateUpdate(PowerState.On, PowerState.Off);
    expect(heard).toEqual([PowerState.Off]);
  });

  it("forwards MRP's power updates when MRP is the only power protocol", () => {
    const mrp = powerSession(Protocol.MRP, PowerState.On);
    const atv = facade(mrp.session);
    const heard: PowerState[] = [];
    atv.power.listener = { powerstateUpdate: (_old, state) => heard.push(state) };
    (mrp.power.listener as PowerListener | undefined)?.powerstateUpdate(
      PowerState.On,
      PowerState.Off,
    );
    expect(heard).toEqual([PowerState.Off]);
  });

  it("says no protocol knows the power state when none has power", () => {
    expect(() => facade().power.powerState).toThrow(NotSupportedError);
  });
});

describe("FacadeAppleTV features", () => {
  it("takes each feature from the first protocol that supports it", () => {
    const states = (entries: [FeatureName, FeatureState][]) => {
      const map = new Map(entries);
      return {
        getFeature: (name: FeatureName) => ({ state: map.get(name) ?? FeatureState.Unsupported }),
      };
    };
    const mrp: ProtocolSession = {
      protocol: Protocol.MRP,
      features: states([[FeatureName.Play, FeatureState.Unavailable]]),
      close,
    };
    const airplay: ProtocolSession = {
      protocol: Protocol.AirPlay,
      features: states([
        [FeatureName.Play, FeatureState.Available],
        [FeatureName.PlayUrl, FeatureState.Available],
      ]),
      close,
    };
    const atv = facade(airplay, mrp);
    expect(atv.features.getFeature(FeatureName.Play).state).toBe(FeatureState.Unavailable);
    expect(atv.features.getFeature(FeatureName.PlayUrl).state).toBe(FeatureState.Available);
    expect(atv.features.getFeature(FeatureName.TextSet).state).toBe(FeatureState.Unsupported);
    expect(atv.features.getFeature(FeatureName.PushUpdates).state).toBe(FeatureState.Unsupported);
    expect([...atv.features.allFeatures().keys()]).toEqual([FeatureName.Play, FeatureName.PlayUrl]);
    expect(atv.features.inState(FeatureState.Available, FeatureName.PlayUrl)).toBe(true);
  });

  it("offers push updates when a protocol has a push updater", () => {
    const pushUpdater = {} as PushUpdater;
    const atv = facade({ protocol: Protocol.MRP, pushUpdater, close });
    expect(atv.features.getFeature(FeatureName.PushUpdates).state).toBe(FeatureState.Available);
  });
});

describe("FacadeAppleTV remote control takeover", () => {
  it("sends stop to the protocol taking over while it does, else by priority", async () => {
    const calls: string[] = [];
    let playing = false;
    const mrp: ProtocolSession = {
      protocol: Protocol.MRP,
      remoteControl: {
        stop: async () => void calls.push("mrp:stop"),
        play: async () => void calls.push("mrp:play"),
      },
      close,
    };
    const airplay: ProtocolSession = {
      protocol: Protocol.AirPlay,
      remoteControl: { stop: async () => void calls.push("airplay:stop") },
      takesOver: () => playing,
      close,
    };
    const atv = facade(airplay, mrp);
    await atv.remoteControl.stop();
    playing = true;
    await atv.remoteControl.stop();
    // What the protocol taking over cannot do still goes to the others.
    await atv.remoteControl.play();
    playing = false;
    await atv.remoteControl.stop();
    expect(calls).toEqual(["mrp:stop", "airplay:stop", "mrp:play", "mrp:stop"]);
  });
});
