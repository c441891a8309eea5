// The quick-start demo: start a simulated Apple TV (tvOS 17: no MRP port, control only
// through AirPlay 2's tunnel), find it, pair with it over AirPlay, control it and watch
// what it plays with the CLIs, play a local file on it, pair Companion too and use it
// (apps, keyboard, power, touch), then stop it; then an Apple TV 3, paired and controlled
// over DMAP. Artwork and the played file live in a temporary folder.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bins, startFake } from "./fake-process.mjs";

const fake = await startFake(["--static"]);
const { ready } = fake;
const workDir = mkdtempSync(join(tmpdir(), "atv-demo-"));
// Pairings go to a file of the demo's own, not to the user's ~/.pyatv.conf.
const base = [
  "-s",
  ready.address,
  "--mdns-port",
  String(ready.mdns_port),
  "--storage-filename",
  join(workDir, "pyatv.conf"),
];

/** Pairs over `protocol` with the PIN atvfake shows (1111); returns the credentials. */
function pairOver(protocol, target = base) {
  const paired = run(
    "atvremote",
    ["--protocol", protocol, "--pin", "1111", "pair"],
    undefined,
    target,
  );
  const credentials = /credentials: (\S+)/.exec(paired)?.[1];
  if (!credentials) throw new Error(`no credentials in the ${protocol} pairing output`);
  return credentials;
}

/** Runs a CLI as a user would against `target`, showing the command line and its output. */
function run(app, args, show = args, target = base) {
  console.log(`\n$ ${app} ${[...target, ...show].join(" ")}`);
  const result = spawnSync(process.execPath, [bins[app], ...target, ...args], {
    cwd: workDir,
    encoding: "utf8",
    input: "",
  });
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  if (result.status !== 0) throw new Error(`${app} ${args.join(" ")} failed (${result.status})`);
  return result.stdout;
}

let failed = false;
try {
  console.log(`atvfake: "${ready.name}" serving on ${ready.address}, mDNS port ${ready.mdns_port}`);
  run("atvremote", ["scan"]);
  const credentials = pairOver("airplay");
  const withCredentials = ["--airplay-credentials", credentials];
  const shown = ["--airplay-credentials", "<credentials>"];
  run(
    "atvremote",
    [...withCredentials, "play", "select=double_tap", "playing"],
    [...shown, "play", "select=double_tap", "playing"],
  );
  run(
    "atvremote",
    [...withCredentials, "set_volume=30", "volume", "power_state", "artwork_save"],
    [...shown, "set_volume=30", "volume", "power_state", "artwork_save"],
  );
  console.log(`(saved: ${readdirSync(workDir).join(", ")})`);
  run("atvscript", [...withCredentials, "playing"], [...shown, "playing"]);
  // A local file: atvremote serves it over HTTP while the fake device reads it.
  const movie = join(workDir, "movie.mp4");
  writeFileSync(movie, Buffer.alloc(64 * 1024, 1));
  run("atvremote", [...withCredentials, `play_url=${movie}`], [...shown, "play_url=movie.mp4"]);
  // (spawnSync held the event loop, so atvfake's lines are read only now.)
  const fetched = await fake.waitForEvent((event) => event.event === "play_fetched");
  if (fetched?.bytes !== 64 * 1024) throw new Error("the fake did not read the whole file");
  console.log(`atvfake: ${JSON.stringify(fetched)}`);
  // Companion: apps, the keyboard, power and the touchpad, beside MRP in the tunnel.
  const companion = pairOver("companion");
  const withBoth = [...withCredentials, "--companion-credentials", companion];
  const shownBoth = [...shown, "--companion-credentials", "<credentials>"];
  const companionCommands = [
    "app_list",
    "launch_app=com.netflix.Netflix",
    "text_set=hello",
    "text_get",
    // The device reports the new app over MRP a moment after the launch is answered.
    "app",
    "turn_off",
    "power_state",
    "turn_on",
    "swipe=100,500,900,500,200",
  ];
  const output = run(
    "atvremote",
    [...withBoth, ...companionCommands],
    [...shownBoth, ...companionCommands],
  );
  if (!output.includes("com.netflix.Netflix") || !/^hello$/m.test(output)) {
    throw new Error("the Companion commands did not reach the fake");
  }
  await dmapDemo();
} catch (error) {
  console.error(`demo failed: ${error.message}`);
  failed = true;
} finally {
  rmSync(workDir, { recursive: true, force: true });
  await fake.stop();
  console.log("\natvfake stopped.");
}
process.exitCode = failed ? 1 : 0;

/**
 * An Apple TV 3 over DMAP: pairing (the fake calls atv's pairing server back, as the TV
 * does once the PIN is typed in Settings > Remotes), then commands with the credentials
 * the pairing saved, found by name.
 */
async function dmapDemo() {
  const atv3 = await startFake(["--profile", "atv3", "--static"]);
  try {
    const target = [
      "-s",
      atv3.ready.address,
      "--mdns-port",
      String(atv3.ready.mdns_port),
      "--storage-filename",
      join(workDir, "pyatv.conf"),
    ];
    console.log(`\natvfake: "${atv3.ready.name}" (Apple TV 3), mDNS port ${atv3.ready.mdns_port}`);
    pairOver("dmap", target);
    const output = run(
      "atvremote",
      ["-n", atv3.ready.name, "playing", "pause", "next"],
      undefined,
      target,
    );
    if (!output.includes("Title:")) throw new Error("nothing played over DMAP");
    const command = await atv3.waitForEvent((event) => event.event === "command");
    console.log(`atvfake: ${JSON.stringify(command)}`);
  } finally {
    await atv3.stop();
  }
}
