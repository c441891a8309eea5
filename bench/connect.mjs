// connect() to a current Apple TV (the tvOS 17 fake, in this process): scan once, pair
// AirPlay and Companion once, then time whole connects — AirPlay pair-verify and the
// AirPlay 2 tunnel carrying MRP, and the Companion session, set up concurrently — and closes.
import { connect, Protocol, pair, scan } from "@atv/core";
import { FakeAppleTV } from "@atv/core/fake";
import { median, timeMs } from "./stats.mjs";

const WARM_UP = 30;
const RUNS = 60;

async function pairWith(device, protocol) {
  const handler = pair(device, protocol);
  try {
    await handler.begin();
    handler.pin(1111);
    await handler.finish();
  } finally {
    await handler.close();
  }
}

export async function benchConnect() {
  const fake = await FakeAppleTV.start({ profile: "tvos17", mdnsPort: 0 });
  try {
    const [device] = await scan({ hosts: ["127.0.0.1"], mdnsPort: fake.mdnsPort, timeout: 5000 });
    if (!device) throw new Error("the fake was not found");
    await pairWith(device, Protocol.AirPlay);
    await pairWith(device, Protocol.Companion);
    const once = async () => {
      const atv = await connect(device, { timeout: 5000 });
      const protocols = atv.protocols;
      await atv.close();
      return protocols;
    };
    const protocols = await once();
    for (const wanted of [Protocol.MRP, Protocol.AirPlay, Protocol.Companion]) {
      if (!protocols.includes(wanted)) throw new Error(`connect() did not set up ${wanted}`);
    }
    for (let i = 0; i < WARM_UP; i++) await once();
    const samples = [];
    for (let i = 0; i < RUNS; i++) {
      let atv;
      samples.push(await timeMs(async () => (atv = await connect(device, { timeout: 5000 }))));
      await atv.close();
    }
    return [
      {
        name: "connect() to the tvOS 17 fake in process: AirPlay verify + MRP tunnel and Companion session, concurrently, median",
        value: median(samples),
        unit: "ms",
        target: "< 15 ms",
      },
    ];
  } finally {
    await fake.close();
  }
}
