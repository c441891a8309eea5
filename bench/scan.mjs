// A unicast scan in one process against the fake device: how long a scan takes when
// every host answers (it must end on the last answer, never wait out its timeout).
import { scan } from "@atv/core";
import { FakeAppleTV } from "@atv/core/fake";
import { median, percentile, timeMs } from "./stats.mjs";

const RUNS = 50;

export async function benchScan() {
  const fake = await FakeAppleTV.start({ address: "127.0.0.1", mdnsPort: 0 });
  try {
    const options = { hosts: ["127.0.0.1"], mdnsPort: fake.mdnsPort, timeout: 5000 };
    const found = await scan(options);
    if (found.length !== 1) throw new Error(`expected the fake device, found ${found.length}`);
    const samples = [];
    for (let i = 0; i < RUNS; i++) samples.push(await timeMs(() => scan(options)));
    return [
      {
        name: "unicast scan of atvfake, in process (timeout 5 s), median",
        value: median(samples),
        unit: "ms",
        target: "ends within 30 ms of the last answer",
      },
      {
        name: "same, p95",
        value: percentile(samples, 95),
        unit: "ms",
        target: "",
      },
    ];
  } finally {
    await fake.close();
  }
}
