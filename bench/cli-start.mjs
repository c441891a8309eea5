// Cold start of the CLIs: a new Node process per run, as a user's shell starts it, against
// Node's own start (`node -e 0`) measured in the same loop, A B A B …: a change in the
// machine's load falls on both, so the median of the per-pair ratios (or differences) holds
// still where two separate medians drift apart. Against atvfake as tvOS 14 (MRP on its own
// port), as tvOS 17 (MRP only through AirPlay 2) and as an Apple TV 3 (DMAP).
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { bins, startFake } from "../scripts/fake-process.mjs";
import { median } from "./stats.mjs";

const RUNS = 21;
const NODE = ["-e", "0"];

// A home of their own: credentials the CLIs store (~/.pyatv.conf) for one fake must not
// meet the next fake, which has new keys; the compile cache lives there too, warmed by the
// first run of each command as a user's would be.
const home = mkdtempSync(join(tmpdir(), "atv-bench-home-"));
const env = { ...process.env, HOME: home, XDG_CACHE_HOME: join(home, ".cache") };
delete env.ATV_COMPILE_CACHE_DIR;
delete env.ATV_COMPILE_CACHE;

// NODE_EXTRA_CA_CERTS (set on the machines we measure on) makes every Node process parse
// that certificate bundle as it starts, ~35 ms here: Node's own start, and so the noise of
// every row, grows with it. One extra row measures `playing` against Node without it.
const withoutExtraCerts = { ...env };
delete withoutExtraCerts.NODE_EXTRA_CA_CERTS;

/** Wall time of one cold run of `node ...args`, in ms; throws when the command failed. */
function coldRun(args, runEnv = env) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { encoding: "utf8", env: runEnv });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  // atvscript exits 0 on a failure too and says so in its JSON: a failed run would be
  // timed as a fast one.
  if (result.status !== 0 || (args[0] === bins.atvscript && !succeeded(result.stdout))) {
    throw new Error(`node ${args.join(" ")} failed: ${result.stdout}${result.stderr}`);
  }
  return ms;
}

/** Whether atvscript's output (one JSON object, or none for --help) reports success. */
function succeeded(stdout) {
  const text = stdout.trim();
  return !text.startsWith("{") || JSON.parse(text).result === "success";
}

/**
 * `node -e 0` and `node ...args` in turns, RUNS pairs after one unmeasured pair (which
 * warms the file cache and the compile cache, as any second run on a machine is).
 */
function againstNode(args, runEnv = env) {
  coldRun(NODE, runEnv);
  coldRun(args, runEnv);
  const node = [];
  const command = [];
  for (let i = 0; i < RUNS; i++) {
    node.push(coldRun(NODE, runEnv));
    command.push(coldRun(args, runEnv));
  }
  return {
    node: median(node),
    command: median(command),
    ratio: median(command.map((ms, i) => ms / node[i])),
    difference: median(command.map((ms, i) => ms - node[i])),
  };
}

/** Pairs with atvfake over `protocol` (PIN 1111); returns the credentials atvremote prints. */
function pairWith(base, protocol) {
  const paired = spawnSync(
    process.execPath,
    [bins.atvremote, ...base, "--protocol", protocol, "--pin", "1111", "pair"],
    { encoding: "utf8", env },
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
  const remoteHelp = againstNode([bins.atvremote, "--help"]);
  rows.push({
    name: "`node -e 0` (Node's own start, for reference)",
    value: remoteHelp.node,
    unit: "ms",
    target: "",
  });
  rows.push({
    name: "`atvremote --help`, cold, ÷ `node -e 0` in the same run (median of pairs)",
    value: remoteHelp.ratio,
    unit: "×",
    target: "≤ 1.10× (pyatv: 640 ms)",
  });
  rows.push({
    name: "`atvscript --help`, cold, ÷ `node -e 0` in the same run (median of pairs)",
    value: againstNode([bins.atvscript, "--help"]).ratio,
    unit: "×",
    target: "≤ 1.10×",
  });
  const fake = await startFake(["--profile", "tvos14"]);
  try {
    const base = ["-s", "127.0.0.1", "--mdns-port", String(fake.ready.mdns_port)];
    rows.push({
      name: "`atvscript -s 127.0.0.1 scan` against atvfake, cold, end to end",
      value: againstNode([bins.atvscript, ...base, "scan"]).command,
      unit: "ms",
      target: "< 150 ms",
    });
    const playing = againstNode([bins.atvscript, ...base, "playing"]);
    rows.push({
      name: "`atvscript -s 127.0.0.1 playing` against atvfake, cold, scan + connect + now playing",
      value: playing.command,
      unit: "ms",
      target: "< 180 ms (pyatv: 790 ms)",
    });
    rows.push({
      name: "the same `playing`, − `node -e 0` in the same run (median of pairs): what atv adds to Node's start",
      value: playing.difference,
      unit: "ms",
      target: "≤ 40 ms",
    });
    if (env.NODE_EXTRA_CA_CERTS !== undefined) {
      const plain = againstNode([bins.atvscript, ...base, "playing"], withoutExtraCerts);
      rows.push({
        name: `the same, both without NODE_EXTRA_CA_CERTS (Node's own start then ${plain.node.toFixed(1)} ms)`,
        value: plain.difference,
        unit: "ms",
        target: "≤ 40 ms",
      });
    }
    const credentials = pairWith(base, "mrp");
    rows.push({
      name: "`atvremote -s 127.0.0.1 --mrp-credentials … play` against atvfake, cold, scan + pair-verify + command",
      value: againstNode([bins.atvremote, ...base, "--mrp-credentials", credentials, "play"])
        .command,
      unit: "ms",
      target: "< 180 ms (pyatv: 730–790 ms)",
    });
    // The pairing above saved the credentials to this home's ~/.pyatv.conf.
    rows.push({
      name: "`atvremote -s 127.0.0.1 -n NAME play` against atvfake, cold, credentials from storage",
      value: againstNode([bins.atvremote, ...base, "-n", fake.ready.name, "play"]).command,
      unit: "ms",
      target: "< 150 ms",
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
      value: againstNode([bins.atvscript, ...base, "--airplay-credentials", credentials, "playing"])
        .command,
      unit: "ms",
      target: "< 200 ms (pyatv: ~400 ms)",
    });
    const companion = pairWith(base, "companion");
    rows.push({
      name: "`atvremote -s 127.0.0.1 --companion-credentials … app_list` against atvfake (tvOS 17), cold, scan + connect + app list",
      value: againstNode([
        bins.atvremote,
        ...base,
        "--companion-credentials",
        companion,
        "app_list",
      ]).command,
      unit: "ms",
      target: "< 200 ms (pyatv: ~400 ms)",
    });
  } finally {
    await tvos17.stop();
  }
  const atv3 = await startFake(["--profile", "atv3"]);
  try {
    const base = ["-s", "127.0.0.1", "--mdns-port", String(atv3.ready.mdns_port)];
    // DMAP pairing: the fake, like an Apple TV 3 in Settings > Remotes, calls back.
    const credentials = pairWith(base, "dmap");
    rows.push({
      name: "`atvscript -s 127.0.0.1 --dmap-credentials … playing` against atvfake (Apple TV 3), cold, scan + DMAP login + play status",
      value: againstNode([bins.atvscript, ...base, "--dmap-credentials", credentials, "playing"])
        .command,
      unit: "ms",
      target: "< 150 ms (pyatv: ~430 ms)",
    });
  } finally {
    await atv3.stop();
  }
  return rows;
}

// `node bench/cli-start.mjs` runs these rows alone.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  for (const row of await benchCliStart()) {
    const figure = row.unit === "×" ? `${row.value.toFixed(3)}×` : `${row.value.toFixed(1)} ms`;
    console.log(`${figure.padStart(10)}  ${row.name}  [${row.target}]`);
  }
}
