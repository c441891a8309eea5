// Cold start of the CLIs: a new Node process per run, as a user's shell starts it. Against
// atvfake as tvOS 14 (MRP on its own port) and as tvOS 17 (MRP only through AirPlay 2).
import { spawnSync } from "node:child_process";
import { bins, startFake } from "../scripts/fake-process.mjs";
import { median, timeMs } from "./stats.mjs";

const RUNS = 15;

function coldRun(bin, args) {
  return timeMs(() => {
    const result = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });
    // (bin may be a Node flag, e.g. "-e", for the reference row.) atvscript exits 0 on a
    // failure too and says so in its JSON: a failed run would be timed as a fast one.
    if (result.status !== 0 || (bin === bins.atvscript && !succeeded(result.stdout))) {
      throw new Error(`${bin} ${args.join(" ")} failed: ${result.stdout}${result.stderr}`);
    }
  });
}

/** Whether atvscript's output (one JSON object, or none for --help) reports success. */
function succeeded(stdout) {
  const text = stdout.trim();
  return !text.startsWith("{") || JSON.parse(text).result === "success";
}

async function medianOf(bin, args) {
  await coldRun(bin, args); // warm the file cache, as any second run on a machine is
  const samples = [];
  for (let i = 0; i < RUNS; i++) samples.push(await coldRun(bin, args));
  return median(samples);
}

/** Pairs with atvfake over `protocol` (PIN 1111); returns the credentials atvremote prints. */
function pairWith(base, protocol) {
  const paired = spawnSync(
    process.execPath,
    [bins.atvremote, ...base, "--protocol", protocol, "--pin", "1111", "pair"],
    { encoding: "utf8" },
  );
  const credentials = /credentials: (\S+)/.exec(paired.stdout)?.[1];
  if (!credentials) {
    throw new Error(
      `pairing with atvfake over ${protocol} failed: ${paired.stdout}${paired.stderr}`,
    );
  }
  return credentials;
}

export async function benchCliStart() {
  const rows = [];
  rows.push({
    name: "`node -e 0` (Node's own start, for reference)",
    value: await medianOf("-e", ["0"]),
    unit: "ms",
    target: "",
  });
  rows.push({
    name: "`atvremote --help`, cold start",
    value: await medianOf(bins.atvremote, ["--help"]),
    unit: "ms",
    target: "< 100 ms (pyatv: 640 ms)",
  });
  rows.push({
    name: "`atvscript --help`, cold start",
    value: await medianOf(bins.atvscript, ["--help"]),
    unit: "ms",
    target: "< 100 ms",
  });
  const fake = await startFake(["--profile", "tvos14"]);
  try {
    const scanArgs = ["-s", "127.0.0.1", "--mdns-port", String(fake.ready.mdns_port), "scan"];
    rows.push({
      name: "`atvscript -s 127.0.0.1 scan` against atvfake, cold, end to end",
      value: await medianOf(bins.atvscript, scanArgs),
      unit: "ms",
      target: "< 150 ms",
    });
    const base = ["-s", "127.0.0.1", "--mdns-port", String(fake.ready.mdns_port)];
    rows.push({
      name: "`atvscript -s 127.0.0.1 playing` against atvfake, cold, scan + connect + now playing",
      value: await medianOf(bins.atvscript, [...base, "playing"]),
      unit: "ms",
      target: "< 180 ms (pyatv: 790 ms)",
    });
    const credentials = pairWith(base, "mrp");
    rows.push({
      name: "`atvremote -s 127.0.0.1 --mrp-credentials … play` against atvfake, cold, scan + pair-verify + command",
      value: await medianOf(bins.atvremote, [...base, "--mrp-credentials", credentials, "play"]),
      unit: "ms",
      target: "< 180 ms (pyatv: 730–790 ms)",
    });
  } finally {
    await fake.stop();
  }
  const tvos17 = await startFake(["--profile", "tvos17"]);
  try {
    const base = ["-s", "127.0.0.1", "--mdns-port", String(tvos17.ready.mdns_port)];
    const credentials = pairWith(base, "airplay");
    rows.push({
      name: "`atvscript -s 127.0.0.1 --airplay-credentials … playing` against atvfake (tvOS 17), cold, scan + pair-verify + AirPlay 2 tunnel set-up + now playing",
      value: await medianOf(bins.atvscript, [
        ...base,
        "--airplay-credentials",
        credentials,
        "playing",
      ]),
      unit: "ms",
      target: "< 200 ms (pyatv: ~400 ms)",
    });
    const companion = pairWith(base, "companion");
    rows.push({
      name: "`atvremote -s 127.0.0.1 --companion-credentials … app_list` against atvfake (tvOS 17), cold, scan + connect + app list",
      value: await medianOf(bins.atvremote, [
        ...base,
        "--companion-credentials",
        companion,
        "app_list",
      ]),
      unit: "ms",
      target: "< 200 ms (pyatv: ~400 ms)",
    });
  } finally {
    await tvos17.stop();
  }
  return rows;
}
