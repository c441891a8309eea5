// The fake's demo loop, observed as a client sees it: through push updates.

import { type Playing, Protocol } from "@atv/interface";
import { afterAll, beforeAll, expect, it } from "vitest";
import { connect } from "../connect/connect.js";
import { scan } from "../scan/scan.js";
import { demoTracks, demoVideo } from "./demo-cycle.js";
import { FakeAppleTV } from "./fake-apple-tv.js";

let fake: FakeAppleTV;

beforeAll(async () => {
  fake = await FakeAppleTV.start({ address: "127.0.0.1", mdnsPort: 0 });
});

afterAll(async () => {
  await fake.close();
});

/** Which of the loop's states an update shows. */
function stateOf(playing: Playing): string {
  if (playing.title === demoVideo().title) return "video";
  if (playing.title === demoTracks()[0]?.title) return "music";
  if (playing.title === undefined) return "nothing";
  return `other: ${playing.title}`;
}

it("cycles video, music, nothing playing, then video again", async () => {
  fake.mrp?.useCases.exampleMusic({ title: "before" });
  const [found] = await scan({ hosts: ["127.0.0.1"], mdnsPort: fake.mdnsPort, timeout: 10_000 });
  if (found === undefined) throw new Error("the fake was not found");
  const atv = await connect(found, { protocols: [Protocol.MRP] });
  let stop: (() => void) | undefined;
  const seen: string[] = [];
  try {
    const controller = new AbortController();
    for await (const playing of atv.pushUpdates({ signal: controller.signal })) {
      const state = stateOf(playing);
      if (seen.at(-1) !== state) seen.push(state);
      stop ??= fake.startNowPlayingCycle(100);
      if (seen.length === 5) controller.abort();
    }
  } finally {
    stop?.();
    await atv.close();
  }
  expect(seen).toEqual(["other: before", "video", "music", "nothing", "video"]);
});

it("starts on the example video and stays there once stopped", async () => {
  const stop = fake.startNowPlayingCycle(60_000);
  stop();
  const [found] = await scan({ hosts: ["127.0.0.1"], mdnsPort: fake.mdnsPort, timeout: 10_000 });
  if (found === undefined) throw new Error("the fake was not found");
  const atv = await connect(found, { protocols: [Protocol.MRP] });
  try {
    expect(stateOf(await atv.metadata.playing())).toBe("video");
  } finally {
    await atv.close();
  }
});
