// MRP against the fake device in one process: pair-verify + connect, and encrypted
// request/response round trips (a command and the device's result) over loopback.
import { connectMrp, pairMrp } from "@atv/mrp";
import { FakeMrpDevice } from "@atv/mrp/fake";
import { median, timeMs } from "./stats.mjs";

const CONNECT_RUNS = 50;
const ROUND_TRIPS = 20_000;
const IN_FLIGHT = 32;

async function pairedCredentials(device) {
  const pairing = pairMrp({ host: "127.0.0.1", port: device.port });
  try {
    await pairing.begin();
    pairing.pin(1111);
    await pairing.finish();
    return pairing.service.credentials;
  } finally {
    await pairing.close();
  }
}

export async function benchMrp() {
  const device = await FakeMrpDevice.start({
    name: "Bench",
    uniqueIdentifier: "bench-id",
    pin: "1111",
  });
  try {
    const credentials = await pairedCredentials(device);
    const options = { host: "127.0.0.1", port: device.port, credentials };

    // Warm up the code paths once, then time.
    await (await connectMrp(options)).close();
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
          name: "MRP pair-verify + connect to the fake, in process, median",
          value: median(connects),
          unit: "ms",
          target: "< 3 ms (pyatv: 7.7 ms)",
        },
        {
          name: "encrypted MRP round trips (command + result), one at a time",
          value: ROUND_TRIPS / (sequentialMs / 1000),
          unit: "/s",
          target: "≥ 30,000/s (pyatv: 5,800/s)",
        },
        {
          name: `encrypted MRP round trips, ${IN_FLIGHT} in flight`,
          value: ROUND_TRIPS / (pipelinedMs / 1000),
          unit: "/s",
          target: "",
        },
      ];
    } finally {
      await client.close();
    }
  } finally {
    await device.close();
  }
}
