// Push updates over an encrypted MRP session with the fake in this process: how long from
// the fake's change to the listener, and whether memory stays flat over many updates.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { connectMrp, pairMrp } from "@atv/mrp";
import { FakeMrpDevice } from "@atv/mrp/fake";
import { median, percentile } from "./stats.mjs";

const LATENCY_SAMPLES = 2000;
const MEMORY_UPDATES = 100_000;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc");

async function connected() {
  const device = await FakeMrpDevice.start({ name: "Bench", uniqueIdentifier: "bench-np" });
  const pairing = pairMrp({ host: "127.0.0.1", port: device.port });
  await pairing.begin();
  pairing.pin(1111);
  await pairing.finish();
  const credentials = pairing.service.credentials;
  await pairing.close();
  const client = await connectMrp({ host: "127.0.0.1", port: device.port, credentials });
  return { device, client };
}

/**
 * Each update changes the position, so every one is a new state the listener hears (the
 * position stays within the total time: a position past the end reads as the end).
 */
function updater(device, client) {
  device.useCases.exampleVideo({ totalTime: 1_000_000 });
  let resolveNext;
  client.pushUpdater.listener = {
    playstatusUpdate: () => resolveNext?.(),
    playstatusError: (_, error) => {
      throw error;
    },
  };
  client.pushUpdater.start();
  let position = 0;
  return () =>
    new Promise((resolve) => {
      resolveNext = resolve;
      position = (position + 1) % 1_000_000;
      device.useCases.changeState({ position });
    });
}

function heapMiB() {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

export async function benchNowPlaying() {
  const { device, client } = await connected();
  try {
    const next = updater(device, client);
    // Steady state, as a long-running listener sees it: the code paths are optimised by
    // then (the first few hundred updates run slower while the JIT warms up).
    for (let i = 0; i < 5000; i++) await next();
    const latencies = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const start = process.hrtime.bigint();
      await next();
      latencies.push(Number(process.hrtime.bigint() - start) / 1000);
    }
    const before = heapMiB();
    for (let i = 0; i < MEMORY_UPDATES / 10; i++) await next();
    const afterTenth = heapMiB();
    for (let i = MEMORY_UPDATES / 10; i < MEMORY_UPDATES; i++) await next();
    const after = heapMiB();
    return [
      {
        name: "push update latency, fake's change to listener, encrypted, fake in process, median",
        value: median(latencies),
        unit: "µs",
        target: "< 100 µs (pyatv: 403 µs)",
      },
      {
        name: "same, p95",
        value: percentile(latencies, 95),
        unit: "µs",
        target: "(pyatv: 639 µs)",
      },
      {
        name: `heap after 10,000 / ${MEMORY_UPDATES.toLocaleString("en-US")} updates (start ${before.toFixed(1)} MiB)`,
        value: after,
        unit: "MiB",
        target: `flat (${afterTenth.toFixed(1)} MiB after 10,000)`,
      },
    ];
  } finally {
    await client.close();
    await device.close();
  }
}
