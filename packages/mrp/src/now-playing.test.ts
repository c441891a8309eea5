// Functional tests: what is playing, from the fake device's use cases over loopback.

import {
  ConnectionLostError,
  DeviceState,
  MediaType,
  type Playing,
  playingHash,
} from "@atv/interface";
import { describe, expect, it } from "vitest";
import { FAKE_APP_BUNDLE_ID, FAKE_APP_NAME } from "./fake/index.js";
import { PlaybackState } from "./protobuf/generated/enums.js";
import { genericMessage } from "./protobuf/messages.js";
import { useFakeMrpDevice } from "./testing/fake-device.js";

const DEVICE_ID = "5D797FD3-3538-427E-A47B-A32FC6CF3A6A";

const fake = useFakeMrpDevice({ name: "Living Room", uniqueIdentifier: DEVICE_ID });

/** Takes updates until one satisfies `until`; returns all taken. */
async function updatesUntil(
  iterator: AsyncIterator<Playing>,
  until: (playing: Playing) => boolean,
): Promise<Playing[]> {
  const seen: Playing[] = [];
  while (true) {
    const { value, done } = await iterator.next();
    if (done) throw new Error(`updates ended after ${seen.length}`);
    seen.push(value);
    if (until(value)) return seen;
  }
}

describe("now playing over MRP", () => {
  it("is idle with no app when nothing was ever played", async () => {
    const client = await fake.connect();
    const playing = await client.metadata.playing();
    expect(playing.deviceState).toBe(DeviceState.Idle);
    expect(client.metadata.app).toBeUndefined();
    expect(client.metadata.deviceId).toBe(DEVICE_ID);
  });

  it("gives a new client the current state as soon as it is connected", async () => {
    fake.device.useCases.exampleVideo();
    const client = await fake.connect();
    const playing = await client.metadata.playing();
    expect(playing).toMatchObject({
      mediaType: MediaType.Video,
      deviceState: DeviceState.Paused,
      title: "dummy",
      totalTime: 123,
      position: 3,
      hash: playingHash({ title: "dummy", totalTime: 123 }),
    });
    expect(client.metadata.app).toEqual({ name: FAKE_APP_NAME, identifier: FAKE_APP_BUNDLE_ID });
  });

  it("follows the use cases: video, music, nothing, another app", async () => {
    const client = await fake.connect();
    const updates = client.pushUpdater.updates()[Symbol.asyncIterator]();
    expect((await updates.next()).value?.deviceState).toBe(DeviceState.Idle);

    fake.device.useCases.exampleVideo();
    await updatesUntil(updates, (p) => p.title === "dummy");

    fake.device.useCases.exampleMusic();
    const [music] = (await updatesUntil(updates, (p) => p.title === "music")).slice(-1);
    expect(music).toMatchObject({
      mediaType: MediaType.Music,
      artist: "artist",
      album: "album",
      genre: "genre",
      totalTime: 49,
      position: 22,
    });
    expect(await client.metadata.playing()).toEqual(music);

    fake.device.useCases.nothingPlaying();
    await updatesUntil(updates, (p) => p.deviceState === DeviceState.Idle);
    expect(client.metadata.app).toBeUndefined();

    fake.device.useCases.otherApp("Other", "com.example.other");
    // A round trip: the device's updates, sent before its answer, have arrived.
    await client.protocol.sendAndReceive(genericMessage());
    expect(client.metadata.app).toEqual({ name: "Other", identifier: "com.example.other" });
    client.pushUpdater.stop();
    expect(await updates.next()).toEqual({ done: true, value: undefined });
  });

  it("publishes each change once, in order, to the listener", async () => {
    const client = await fake.connect();
    const seen: Playing[] = [];
    let wake: (() => void) | undefined;
    client.pushUpdater.listener = {
      playstatusUpdate: (_u, playing) => {
        seen.push(playing);
        wake?.();
      },
      playstatusError: () => {},
    };
    const waitFor = async (count: number) => {
      while (seen.length < count) await new Promise<void>((resolve) => (wake = resolve));
    };
    client.pushUpdater.start();
    await waitFor(1);
    fake.device.useCases.exampleVideo();
    await waitFor(2);
    // The same state again changes nothing.
    fake.device.useCases.exampleVideo();
    fake.device.useCases.changeState({ playbackState: PlaybackState.Playing, playbackRate: 1 });
    await waitFor(3);
    expect(seen.map((p) => [p.title, p.deviceState])).toEqual([
      [undefined, DeviceState.Idle],
      ["dummy", DeviceState.Paused],
      ["dummy", DeviceState.Playing],
    ]);
    client.pushUpdater.stop();
  });

  it("ends the iterator with ConnectionLostError when the device vanishes", async () => {
    fake.device.useCases.exampleMusic();
    const client = await fake.connect();
    const updates = client.pushUpdater.updates()[Symbol.asyncIterator]();
    await updatesUntil(updates, (p) => p.title === "music");
    fake.device.state.dropConnections();
    await expect(updates.next()).rejects.toBeInstanceOf(ConnectionLostError);
  });

  it("ends the iterator quietly on close()", async () => {
    const client = await fake.connect();
    const updates = client.pushUpdater.updates()[Symbol.asyncIterator]();
    await updates.next();
    await client.close();
    expect(await updates.next()).toEqual({ done: true, value: undefined });
  });
});
