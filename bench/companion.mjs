// Companion: OPACK throughput on a large app list (what FetchLaunchableApplicationsEvent
// answers, here with 10,000 apps), and launch_app round trips against the fake Companion
// device in this process, after pairing and pair-verify (encrypted E_OPACK frames).
import {
  CompanionConnection,
  CompanionPairingHandler,
  connectCompanion,
  decodeOpack,
  encodeOpack,
} from "@atv/companion";
import { FakeCompanionDevice } from "@atv/companion/fake";
import { PlainProperties, Protocol, Service } from "@atv/core";
import { median, timeMs } from "./stats.mjs";

const APPS = 10_000;
const RUNS = 15;
const LAUNCH_WARM_UP = 300;
const LAUNCHES = 2000;

function appList() {
  const content = {};
  for (let i = 0; i < APPS; i++) {
    content[`com.example.vendor${i % 97}.application${i}`] = `Application number ${i}`;
  }
  return { _i: "FetchLaunchableApplicationsEvent", _t: 3, _c: content, _x: 1234 };
}

async function throughput() {
  const message = appList();
  const bytes = encodeOpack(message);
  const mb = bytes.length / 1e6;
  const encode = [];
  const decode = [];
  for (let i = 0; i < RUNS; i++) {
    encode.push(await timeMs(async () => encodeOpack(message)));
    decode.push(await timeMs(async () => decodeOpack(bytes)));
  }
  return { mb, encode: mb / (median(encode) / 1000), decode: mb / (median(decode) / 1000) };
}

async function launchRate() {
  const fake = await FakeCompanionDevice.start({ identifier: "BENCH-COMPANION", pin: "1111" });
  try {
    const service = new Service({
      identifier: "BENCH",
      protocol: Protocol.Companion,
      port: fake.port,
      properties: new PlainProperties(),
    });
    const handler = new CompanionPairingHandler({
      service,
      connect: (opts) => CompanionConnection.connect("127.0.0.1", fake.port, opts),
    });
    await handler.begin();
    handler.pin(1111);
    await handler.finish();
    await handler.close();
    const client = await connectCompanion({
      host: "127.0.0.1",
      port: fake.port,
      credentials: service.credentials ?? "",
    });
    try {
      for (let i = 0; i < LAUNCH_WARM_UP; i++) await client.launchApp("com.apple.TVMusic");
      const ms = await timeMs(async () => {
        for (let i = 0; i < LAUNCHES; i++) await client.launchApp("com.apple.TVMusic");
      });
      return LAUNCHES / (ms / 1000);
    } finally {
      await client.close();
    }
  } finally {
    await fake.close();
  }
}

export async function benchCompanion() {
  const { mb, encode, decode } = await throughput();
  const launches = await launchRate();
  const size = `${APPS.toLocaleString("en-US")} apps, ${mb.toFixed(2)} MB`;
  return [
    {
      name: `OPACK decode of an app list (${size}), median`,
      value: decode,
      unit: "MB/s",
      target: "reference",
    },
    { name: `OPACK encode of the same, median`, value: encode, unit: "MB/s", target: "reference" },
    {
      name: "Companion launch_app round trips (encrypted), one at a time, fake in process",
      value: launches,
      unit: "/s",
      target: "reference",
    },
  ];
}
