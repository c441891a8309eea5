// MRP through the AirPlay 2 tunnel (tvOS 15+), fake in this process: a fake AirPlay
// receiver bridged to a fake MRP device. How long the set-up takes (pair-verify, SETUP of
// the event channel, RECORD, SETUP of the data stream, MRP start), and a command's round
// trip through the tunnel against the same command sent to the same device over MRP directly.
import {
  AirPlayPairingHandler,
  connectMrpTunnel,
  extractCredentials,
  HttpConnection,
} from "@atv/airplay";
import { FakeAirPlayDevice } from "@atv/airplay/fake";
import { PlainProperties, Protocol, Service } from "@atv/core";
import { connectMrp } from "@atv/mrp";
import { FakeMrpDevice } from "@atv/mrp/fake";
import { pairedCredentials } from "./mrp.mjs";
import { median, timeMs } from "./stats.mjs";

const CONNECT_WARM_UP = 100;
const CONNECT_RUNS = 100;
const ROUND_TRIP_WARM_UP = 500;
// Tunnel and direct batches take turns, so a change in the machine's load falls on both.
const BATCHES = 7;
const BATCH_ROUND_TRIPS = 1500;

/** AirPlay credentials from pairing with the receiver on `port` (PIN 1111). */
async function airplayCredentials(port) {
  const service = new Service({
    protocol: Protocol.AirPlay,
    port,
    properties: new PlainProperties({
      features: "0x4A7FDFD5,0xBC177FDE",
      model: "AppleTV11,1",
      osvers: "17.4",
    }),
  });
  const handler = new AirPlayPairingHandler({
    service,
    connect: (options) => HttpConnection.connect("127.0.0.1", port, options),
  });
  try {
    await handler.begin();
    handler.pin(1111);
    await handler.finish();
  } finally {
    await handler.close();
  }
  return extractCredentials(service);
}

/** Milliseconds per round trip, one at a time, over `count` commands. */
async function roundTripMs(remote, count) {
  return (
    (await timeMs(async () => {
      for (let i = 0; i < count; i++) await remote.play();
    })) / count
  );
}

export async function benchTunnel() {
  const mrp = await FakeMrpDevice.start({
    name: "Bench",
    uniqueIdentifier: "bench-tunnel",
    pin: "1111",
  });
  const airplay = await FakeAirPlayDevice.start({ mrp, pin: "1111" });
  try {
    const options = {
      host: "127.0.0.1",
      port: airplay.port,
      credentials: await airplayCredentials(airplay.port),
      timeout: 5000,
    };

    // Steady state, as for direct MRP: the first connects run slower while the JIT warms up.
    for (let i = 0; i < CONNECT_WARM_UP; i++) await (await connectMrpTunnel(options)).close();
    const connects = [];
    for (let i = 0; i < CONNECT_RUNS; i++) {
      let client;
      connects.push(await timeMs(async () => (client = await connectMrpTunnel(options))));
      await client.close();
    }

    const tunnel = await connectMrpTunnel(options);
    const direct = await connectMrp({
      host: "127.0.0.1",
      port: mrp.port,
      credentials: await pairedCredentials(mrp.port),
    });
    try {
      await roundTripMs(tunnel.remoteControl, ROUND_TRIP_WARM_UP);
      await roundTripMs(direct.remoteControl, ROUND_TRIP_WARM_UP);
      const tunnelMs = [];
      const directMs = [];
      for (let i = 0; i < BATCHES; i++) {
        tunnelMs.push(await roundTripMs(tunnel.remoteControl, BATCH_ROUND_TRIPS));
        directMs.push(await roundTripMs(direct.remoteControl, BATCH_ROUND_TRIPS));
      }
      return [
        {
          name: "MRP through the AirPlay 2 tunnel: pair-verify + SETUP + RECORD + SETUP + MRP start, fake in process, steady state, median",
          value: median(connects),
          unit: "ms",
          target: "< 10 ms",
        },
        {
          name: "encrypted MRP round trips (command + result) through the AirPlay 2 tunnel, one at a time, fake in process",
          value: 1000 / median(tunnelMs),
          unit: "/s",
          target: "reference",
        },
        {
          name: `tunnel / direct MRP round-trip time ratio, same fake, ${BATCHES} alternating batches of ${BATCH_ROUND_TRIPS.toLocaleString("en-US")} each (direct: ${Math.round(1000 / median(directMs)).toLocaleString("en-US")}/s)`,
          value: median(tunnelMs) / median(directMs),
          unit: "×",
          target: "reference",
        },
      ];
    } finally {
      await tunnel.close();
      await direct.close();
    }
  } finally {
    await airplay.close();
    await mrp.close();
  }
}
