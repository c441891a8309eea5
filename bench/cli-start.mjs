// Cold start of the CLIs: a new Node process per run, as a user's shell starts it.
import { spawnSync } from "node:child_process";
import { bins, startFake } from "../scripts/fake-process.mjs";
import { median, timeMs } from "./stats.mjs";

const RUNS = 15;

function coldRun(bin, args) {
  return timeMs(() => {
    const result = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });
    // (bin may be a Node flag, e.g. "-e", for the reference row.)
    if (result.status !== 0) throw new Error(`${bin} ${args.join(" ")} failed: ${result.stderr}`);
  });
}

async function medianOf(bin, args) {
  await coldRun(bin, args); // warm the file cache, as any second run on a machine is
  const samples = [];
  for (let i = 0; i < RUNS; i++) samples.push(await coldRun(bin, args));
  return median(samples);
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
  const fake = await startFake();
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
    const paired = spawnSync(
      process.execPath,
      [bins.atvremote, ...base, "--protocol", "mrp", "--pin", "1111", "pair"],
      { encoding: "utf8" },
    );
    const credentials = /credentials: (\S+)/.exec(paired.stdout)?.[1];
    if (!credentials)
      throw new Error(`pairing with atvfake failed: ${paired.stdout}${paired.stderr}`);
    rows.push({
      name: "`atvremote -s 127.0.0.1 --mrp-credentials … play` against atvfake, cold, scan + pair-verify + command",
      value: await medianOf(bins.atvremote, [...base, "--mrp-credentials", credentials, "play"]),
      unit: "ms",
      target: "< 180 ms (pyatv: 730–790 ms)",
    });
  } finally {
    await fake.stop();
  }
  return rows;
}
