// The bin runs its bundle with a code cache on disk: made by the first run, taken by V8
// in the next ones, remade when damaged, never in the way of the command.
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { runCli } from "../../../scripts/cli-test-support.js";

let cacheDir: string;
beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "atvscript-cache-"));
});
afterEach(() => rm(cacheDir, { recursive: true, force: true }));

const version = (env: Record<string, string> = {}) =>
  runCli("atvscript", ["--version"], {
    env: { ATV_COMPILE_CACHE_DIR: cacheDir, ATV_COMPILE_CACHE_DEBUG: "1", ...env },
  });

it("creates the cache, then V8 takes it", async () => {
  const first = await version();
  expect(first.code).toBe(0);
  expect(first.stdout).toMatch(/^atvscript \d+\.\d+\.\d+/);
  expect(first.stderr).toBe("atv compile cache: created\n");
  expect(await readdir(cacheDir)).toHaveLength(1);
  const second = await version();
  expect(second.stderr).toBe("atv compile cache: used\n");
  expect(second.stdout).toBe(first.stdout);
});

it("remakes a damaged cache and still runs the command", async () => {
  await version();
  const [name] = await readdir(cacheDir);
  await writeFile(join(cacheDir, name ?? ""), Buffer.from("garbage, not a V8 code cache"));
  const damaged = await version();
  expect(damaged.code).toBe(0);
  expect(damaged.stderr).toBe("atv compile cache: rejected\n");
  expect((await version()).stderr).toBe("atv compile cache: used\n");
});

it("can be turned off", async () => {
  const off = await version({ ATV_COMPILE_CACHE: "0" });
  expect(off.code).toBe(0);
  expect(off.stderr).toBe("atv compile cache: off\n");
  expect(await readdir(cacheDir)).toEqual([]);
});
