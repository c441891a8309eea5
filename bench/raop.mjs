// RAOP: the sender's cost of streaming a 60 s WAV in real time to atvfake's receiver (a
// process of its own, so only the sender's CPU is counted: reading the file, ALAC
// framing, packets, pacing, sync and timing), the packets the receiver got against those
// sent, and the time from RECORD to the first audio packet; then the same the AirPlay 2
// way (transient pair-verify, encrypted RTSP, every packet sealed with ChaCha20-Poly1305).
import { writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { connectRaop } from "@atv/raop";
import { encodeWav } from "@atv/raop/audio";
import { startFake } from "../scripts/fake-process.mjs";

const SECONDS = 60;
const RATE = 44_100;

function wav(frames) {
  const pcm = Buffer.alloc(frames * 4);
  let seed = 1;
  for (let i = 0; i < frames; i++) {
    // A tone with some noise, so frames differ from one another.
    seed = (seed * 1103515245 + 12345) >>> 0;
    const sample = Math.round(7000 * Math.sin((2 * Math.PI * 440 * i) / RATE)) + (seed >>> 24);
    pcm.writeInt16LE(sample, i * 4);
    pcm.writeInt16LE(-sample, i * 4 + 2);
  }
  return encodeWav(pcm);
}

/** pyatv's transient credentials: a verify by pair-setup with the fixed PIN 3939. */
const TRANSIENT = "7472616e7369656e74:::";

async function streamOnce(file, port, version) {
  const client = await connectRaop({
    host: "127.0.0.1",
    port,
    ...(version === "2"
      ? { protocolVersion: "2", credentials: TRANSIENT }
      : { protocolVersion: "1" }),
  });
  const before = process.cpuUsage();
  await client.streamFile(file);
  const cpu = process.cpuUsage(before);
  const stats = client.lastStreamStats;
  await client.close();
  return { cpuMs: (cpu.user + cpu.system) / 1000, stats };
}

export async function benchRaop() {
  const folder = await mkdtemp(join(tmpdir(), "atv-bench-raop-"));
  const fake = await startFake(["--profile", "tvos17"]);
  try {
    const file = join(folder, "sixty.wav");
    writeFileSync(file, wav(SECONDS * RATE));
    const port = fake.ready.services.find((s) => s.protocol === "raop")?.port;
    const rows = [];
    for (const version of ["1", "2"]) {
      const { cpuMs, stats } = await streamOnce(file, port, version);
      const end = await fake.waitForEvent(
        (event) => event.event === "stream_end" && event.version === `v${version}`,
        10_000,
      );
      const sent = stats?.packets ?? 0;
      const received = Math.ceil(end.frames / 352);
      const how =
        version === "1"
          ? "AirPlay 1 (read, ALAC framing, packets, pacing)"
          : "AirPlay 2 (read, L16, packets sealed with ChaCha20-Poly1305, pacing)";
      rows.push(
        {
          name: `RAOP: CPU to stream a ${SECONDS} s WAV in real time, ${how}, share of one core`,
          value: (cpuMs / (SECONDS * 1000)) * 100,
          unit: "%",
          target: "< 3 %",
        },
        {
          name: `RAOP ${version === "1" ? "AirPlay 1" : "AirPlay 2"}: audio packets the receiver (atvfake) did not get, of ${sent} sent`,
          value: sent - received,
          unit: "packets",
          target: "0",
        },
        {
          name: `RAOP ${version === "1" ? "AirPlay 1" : "AirPlay 2"}: RECORD answered → first audio packet sent`,
          value: stats?.recordToFirstPacketMs ?? Number.NaN,
          unit: "ms",
          target: "< 50 ms",
        },
      );
    }
    return rows;
  } finally {
    await fake.stop();
    await rm(folder, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  for (const row of await benchRaop())
    console.log(`${row.value.toFixed(2)} ${row.unit}  ${row.name}  [${row.target}]`);
}
