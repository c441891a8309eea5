// MRP against the fake device: pair-verify + connect, and encrypted request/response round
// trips (a command and the device's result) over loopback. Measured twice: with the fake
// in this process (client and device share one core's event loop) and with atvfake in a
// process of its own, as a real device is (atvfake's tvOS 14 profile, which still offers
// MRP on its own port; tvOS 15+ carries MRP only through AirPlay, see tunnel.mjs).
import { connectMrp, pairMrp } from "@atv/mrp";
import { FakeMrpDevice } from "@atv/mrp/fake";
import { startFake } from "../scripts/fake-process.mjs";
import { median, timeMs } from "./stats.mjs";

const CONNECT_WARM_UP = 100;
const CONNECT_RUNS = 100;
const ROUND_TRIPS = 20_000;
const IN_FLIGHT = 32;

/** MRP credentials from pairing with the device on `port` (PIN 1111). */
export async function pairedCredentials(port) {
  const pairing = pairMrp({ host: "127.0.0.1", port });
  try {
    await pairing.begin();
    pairing.pin(1111);
    await pairing.finish();
    return pairing.service.credentials;
  } finally {
    await pairing.close();
  }
}

async function measure(port, where) {
  const credentials = await pairedCredentials(port);
  const options = { host: "127.0.0.1", port, credentials };

  // Steady state, as a long-running client reconnecting sees it: the first ~100 connects
  // run slower while the JIT warms up (a cold CLI start is its own row).
  for (let i = 0; i < CONNECT_WARM_UP; i++) await (await connectMrp(options)).close();
  const connects = [];
  for (let i = 0; i < CONNECT_RUNS; i++) {
    let client;
    connects.push(await timeMs(async () => (client = await connectMrp(options))));
    await client.close();
  }

  const client = await connectMrp(options);
  try {
    const remote = client.remoteControl;
    for (let i = 0; i < 500; i++) await remote.play();
    const sequentialMs = await timeMs(async () => {
      for (let i = 0; i < ROUND_TRIPS; i++) await remote.play();
    });
    const pipelinedMs = await timeMs(async () => {
      let next = 0;
      const worker = async () => {
        while (next++ < ROUND_TRIPS) await remote.play();
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    });
    return [
      {
        name: `MRP pair-verify + connect, fake ${where}, steady state, median`,
        value: median(connects),
        unit: "ms",
        target: "< 3 ms (pyatv: 7.7 ms)",
      },
      {
        name: `encrypted MRP round trips (command + result), one at a time, fake ${where}`,
        value: ROUND_TRIPS / (sequentialMs / 1000),
        unit: "/s",
        target: "≥ 30,000/s (pyatv: 5,800/s)",
      },
      {
        name: `encrypted MRP round trips, ${IN_FLIGHT} in flight, fake ${where}`,
        value: ROUND_TRIPS / (pipelinedMs / 1000),
        unit: "/s",
        target: "≥ 30,000/s",
      },
    ];
  } finally {
    await client.close();
  }
}

export async function benchMrp() {
  const rows = [];
  const device = await FakeMrpDevice.start({
    name: "Bench",
    uniqueIdentifier: "bench-id",
    pin: "1111",
  });
  try {
    rows.push(...(await measure(device.port, "in process")));
  } finally {
    await device.close();
  }
  const fake = await startFake(["--profile", "tvos14"]);
  try {
    const mrp = fake.ready.services.find((s) => s.protocol === "mrp");
    rows.push(...(await measure(mrp.port, "in its own process (atvfake)")));
  } finally {
    await fake.stop();
  }
  return rows;
}
