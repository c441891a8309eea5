// The CLIs' launcher answers a plain --help itself, without running the bundle (which
// would cost as much as Node's own start); anything else still reaches the bundle, so a
// bad command line is reported in one place. ATV_COMPILE_CACHE_DEBUG=1 makes every run of
// the bundle say so on standard error, which tells the two paths apart.
import { isAscii } from "node:buffer";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { SourceMap } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { BUNDLE_HEAD } from "../packages/cli/src/bundle-wrapper.js";
import { type CliName, runCli } from "../scripts/cli-test-support.js";
import { startFake } from "../scripts/fake-process.mjs";

const env = { ATV_COMPILE_CACHE_DEBUG: "1", ATV_COMPILE_CACHE: "0" };

describe.each<CliName>(["atvremote", "atvscript"])("%s launcher", (name) => {
  it.each([["--help"], ["-h"], ["-s", "127.0.0.1", "--help"]])(
    "answers %j without the bundle",
    async (...args) => {
      const help = await runCli(name, args, { env });
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^usage: ${name} `));
      expect(help.stdout).toContain("--scan-hosts");
      expect(help.stderr).toBe("");
    },
  );

  it("leaves a bad command line with --help to the bundle, which reports it", async () => {
    const bad = await runCli(name, ["--help", "--no-such-option"], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("atv compile cache: off");
    expect(bad.stderr).toContain("no-such-option");
  });

  it("runs --version in the bundle, where the build put the version", async () => {
    const version = await runCli(name, ["--version"], { env });
    expect(version.stdout).toMatch(new RegExp(`^${name} \\d+\\.\\d+\\.\\d+`));
    expect(version.stderr).toBe("atv compile cache: off\n");
  });
});

it("keeps one compile cache per command, so each caches the code it runs", async () => {
  const fake = await startFake(["--profile", "tvos14"]);
  const cacheDir = await mkdtemp(join(tmpdir(), "atv-launch-cache-"));
  try {
    const base = [
      "--storage",
      "none",
      "-s",
      "127.0.0.1",
      "--mdns-port",
      String(fake.ready.mdns_port),
    ];
    const cacheEnv = { ATV_COMPILE_CACHE_DIR: cacheDir, ATV_COMPILE_CACHE_DEBUG: "1" };
    const scan = await runCli("atvscript", [...base, "scan"], { env: cacheEnv });
    expect(scan.stdout).toContain('"result": "success"');
    expect(scan.stderr).toBe("atv compile cache: created\n");
    // A cache written by scan would leave playing's connect path uncompiled: it gets its own.
    const playing = await runCli("atvscript", [...base, "playing"], { env: cacheEnv });
    expect(playing.stdout).toContain('"result": "success"');
    expect(playing.stderr).toBe("atv compile cache: created\n");
    const again = await runCli("atvscript", [...base, "playing"], { env: cacheEnv });
    expect(again.stderr).toBe("atv compile cache: used\n");
    const files = await readdir(cacheDir);
    expect(files.filter((f) => f.includes("-run-scan-"))).toHaveLength(1);
    expect(files.filter((f) => f.includes("-run-playing-"))).toHaveLength(1);
    // A failed run (atvscript still exits 0) writes no cache: one that never reached the
    // connect path would otherwise stay, and every later run would compile it.
    const missing = await runCli("atvscript", [...base, "-i", "no-such-device", "stop"], {
      env: cacheEnv,
    });
    expect(missing.stdout).toContain('"error": "device_not_found"');
    expect(missing.stderr).toBe("atv compile cache: created\n");
    expect((await readdir(cacheDir)).filter((f) => f.includes("-run-stop-"))).toHaveLength(0);
    const stop = await runCli("atvscript", [...base, "stop"], { env: cacheEnv });
    expect(stop.stdout).toContain('"result": "success"');
    expect((await readdir(cacheDir)).filter((f) => f.includes("-run-stop-"))).toHaveLength(1);
  } finally {
    await fake.stop();
    await rm(cacheDir, { recursive: true, force: true });
  }
});

// The launcher reads an ASCII bundle as Latin-1 (see tsup.app.ts's asciiOnly).
it.each(["atvfake", "atvremote", "atvscript"])("builds %s's bundle as ASCII", async (name) => {
  const bundle = await readFile(join(import.meta.dirname, "..", "apps", name, "dist", "main.cjs"));
  expect(isAscii(bundle)).toBe(true);
});

// The build writes each bundle as the function the launcher runs, a line above the code
// (see tsup.app.ts's wrapBundle): the source map must still lead to the right source lines.
it.each(["atvfake", "atvremote", "atvscript"])(
  "writes %s's bundle wrapped, with a source map that still matches it",
  async (name) => {
    const dist = join(import.meta.dirname, "..", "apps", name, "dist");
    const text = await readFile(join(dist, "main.cjs"), "latin1");
    expect(text.startsWith(BUNDLE_HEAD)).toBe(true);
    expect(text.trimEnd().endsWith("//# sourceMappingURL=main.cjs.map")).toBe(true);
    const map = new SourceMap(JSON.parse(await readFile(join(dist, "main.cjs.map"), "utf8")));
    // A message from deep inside each bundle: the fake's options, core's connect().
    const needle =
      name === "atvfake"
        ? "argument --pin: must be 1 to 4 digits"
        : "no enabled service of this device can be connected to";
    const at = text.indexOf(needle);
    expect(at).toBeGreaterThan(0);
    const line = text.slice(0, at).split("\n").length - 1;
    const column = at - (text.lastIndexOf("\n", at) + 1);
    const entry = map.findEntry(line, column) as {
      originalSource?: string;
      originalLine?: number;
    };
    expect(entry.originalSource).toBeDefined();
    const source = await readFile(
      new URL(entry.originalSource ?? "", pathToFileURL(`${dist}/`)),
      "utf8",
    );
    expect(source.split("\n")[entry.originalLine ?? -1]).toContain(needle.slice(0, 20));
  },
);

// Node's own modules that `playing` over plain MRP does not use stay unloaded (see
// scripts/lazy-modules.ts), and the bundle still works with the ones it does use. The scan
// sends to and binds IP addresses only, so node:dns (and c-ares with it) stays unloaded too.
it("loads Node's http, readline, assert and dns only for commands that use them", async () => {
  const fake = await startFake(["--profile", "tvos14"]);
  const folder = await mkdtemp(join(tmpdir(), "atv-launch-modules-"));
  try {
    const preload = join(folder, "record-modules.cjs");
    const list = join(folder, "modules.txt");
    await writeFile(
      preload,
      `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(list)}, process.moduleLoadList.join("\\n")));\n`,
    );
    const base = [
      "--storage",
      "none",
      "-s",
      "127.0.0.1",
      "--mdns-port",
      String(fake.ready.mdns_port),
    ];
    const playing = await runCli("atvscript", [...base, "playing"], {
      env: { NODE_OPTIONS: `--require ${preload}` },
    });
    expect(playing.stdout).toContain('"result": "success"');
    const loaded = (await readFile(list, "utf8")).split("\n");
    expect(loaded).toContain("NativeModule net");
    expect(loaded).toContain("NativeModule dgram");
    const unused = ["http", "readline", "assert", "fs/promises", "dns", "dns/promises", "module"];
    for (const name of unused) {
      expect(loaded).not.toContain(`NativeModule ${name}`);
    }
    // With HOME set, the storage file and the compile cache are found without node:os. The
    // first run stores the device it found (its lock file names the host: node:os); the
    // second has nothing new to save.
    const home = join(folder, "home");
    await mkdir(home);
    const withStorage = { NODE_OPTIONS: `--require ${preload}`, HOME: home, XDG_CACHE_HOME: "" };
    for (let run = 0; run < 2; run++) {
      const stored = await runCli("atvscript", base.slice(2).concat("playing"), {
        env: withStorage,
      });
      expect(stored.stdout).toContain('"result": "success"');
    }
    await expect(readFile(join(home, ".pyatv.conf"), "utf8")).resolves.toContain('"protocols"');
    expect((await readFile(list, "utf8")).split("\n")).not.toContain("NativeModule os");
  } finally {
    await fake.stop();
    await rm(folder, { recursive: true, force: true });
  }
});
