import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BUNDLE_HEAD, BUNDLE_TAIL } from "./bundle-wrapper.js";
import {
  compileCacheDir,
  compileCacheVariant,
  markRunIncomplete,
  runWithCompileCache,
} from "./compile-cache.js";

const testRequire = createRequire(import.meta.url);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "atv-compile-cache-"));
});
afterEach(async () => {
  // What markRunIncomplete() sets, for the launcher and the bundle to share.
  delete (globalThis as Record<symbol, unknown>)[Symbol.for("atv.compile-cache.run-incomplete")];
  await rm(dir, { recursive: true, force: true });
});

/** A CommonJS file that records, on globalThis, that it ran and what it saw. */
async function bundle(name: string, body = ""): Promise<string> {
  const file = join(dir, name);
  await writeFile(
    file,
    `const path = require("node:path");
     globalThis.__atvCacheTest = { file: __filename, dir: __dirname, base: path.basename(__filename), self: module.exports === exports };
     function unused(a) { return a * 2; }
     ${body}`,
  );
  return file;
}

type Seen = { file: string; dir: string; base: string; self: boolean };
const seen = () => (globalThis as { __atvCacheTest?: Seen }).__atvCacheTest;

describe("runWithCompileCache", () => {
  it("runs the file as CommonJS, with require, module and its own paths", async () => {
    const file = await bundle("app.cjs");
    expect(runWithCompileCache(file, { cacheDir: undefined })).toBe("off");
    expect(seen()).toEqual({ file, dir, base: "app.cjs", self: true });
  });

  it("runs a bundle the build wrote wrapped as the same CommonJS, not as a function left uncalled", async () => {
    const plain = await bundle("plain.cjs");
    const text = await readFile(plain, "latin1");
    const file = join(dir, "wrapped.cjs");
    await writeFile(
      file,
      `${BUNDLE_HEAD}${text}${BUNDLE_TAIL}\n//# sourceMappingURL=wrapped.cjs.map\n`,
    );
    expect(runWithCompileCache(file, { cacheDir: undefined })).toBe("off");
    expect(seen()).toEqual({ file, dir, base: "wrapped.cjs", self: true });
  });

  it("gives the file the require it is handed", async () => {
    const file = await bundle(
      "app.cjs",
      `globalThis.__atvCacheTest.required = require("node:os").EOL;`,
    );
    const asked: string[] = [];
    const handed = ((id: string) => {
      asked.push(id);
      return id === "node:os" ? { EOL: "handed" } : testRequire(id);
    }) as unknown as NodeJS.Require;
    runWithCompileCache(file, { cacheDir: undefined, require: handed });
    expect(asked).toEqual(["node:path", "node:os"]);
    expect((seen() as Seen & { required?: string }).required).toBe("handed");
  });

  // Whether V8 takes the cache is checked across processes (apps/atvscript's tests):
  // within one process V8 reuses its own in-memory compilation instead.
  it("writes one cache file per variant at exit", async () => {
    const file = await bundle("app.cjs");
    const cacheDir = join(dir, "cache");
    const exitCount = process.listenerCount("exit");
    expect(runWithCompileCache(file, { cacheDir, variant: "help" })).toBe("created");
    expect(runWithCompileCache(file, { cacheDir, variant: "run" })).toBe("created");
    const listeners = process.listeners("exit").slice(exitCount);
    expect(listeners).toHaveLength(2);
    for (const listener of listeners) {
      process.off("exit", listener);
      (listener as (code: number) => void)(0);
    }
    const files = await readdir(cacheDir);
    expect(files).toHaveLength(2);
    for (const name of files) {
      expect(name).toMatch(/^[\w-]+-app\.cjs-(help|run)-\w+-\w+-node[\d.]+-\w+\.bin$/);
      expect((await readFile(join(cacheDir, name))).length).toBeGreaterThan(0);
    }
  });

  it("removes the caches of the app's earlier builds when it writes one, and nothing else", async () => {
    const file = await bundle("app.cjs");
    const cacheDir = join(dir, "cache");
    await mkdir(cacheDir);
    const stem = `${basename(dirname(dirname(file)))}-app.cjs-run`;
    const runtime = `node${process.versions.node}-${process.arch}`;
    const others = [
      `${stem}-aaaa-bbbb-${runtime}.bin`, // an earlier build: goes
      `${stem}-cccc-dddd-${runtime}.bin`, // another: goes
      `${stem}-aaaa-bbbb-node1.2.3-${process.arch}.bin`, // another Node's: stays
      `${stem}-x-aaaa-bbbb-${runtime}.bin`, // a longer variant's: stays
      `other-app.cjs-run-aaaa-bbbb-${runtime}.bin`, // another app's: stays
    ];
    for (const name of others) await writeFile(join(cacheDir, name), "old");
    const exitCount = process.listenerCount("exit");
    expect(runWithCompileCache(file, { cacheDir, variant: "run" })).toBe("created");
    for (const listener of process.listeners("exit").slice(exitCount)) {
      process.off("exit", listener);
      (listener as (code: number) => void)(0);
    }
    const files = (await readdir(cacheDir)).sort();
    expect(files).toHaveLength(4);
    expect(files).toEqual(expect.arrayContaining(others.slice(2)));
    expect(files.filter((name) => !others.includes(name))).toHaveLength(1);
  });

  // A cache is not rewritten while valid: one from a run that failed early would hold
  // too little for good.
  it("writes no cache for a run that exits with an error or says it failed", async () => {
    const file = await bundle("app.cjs");
    const cacheDir = join(dir, "cache");
    const exitWith = (code: number) => {
      const exitCount = process.listenerCount("exit");
      expect(runWithCompileCache(file, { cacheDir, variant: "run" })).toBe("created");
      for (const listener of process.listeners("exit").slice(exitCount)) {
        process.off("exit", listener);
        (listener as (code: number) => void)(code);
      }
    };
    exitWith(2);
    await expect(readdir(cacheDir)).rejects.toMatchObject({ code: "ENOENT" });
    markRunIncomplete();
    exitWith(0);
    await expect(readdir(cacheDir)).rejects.toMatchObject({ code: "ENOENT" });
    delete (globalThis as Record<symbol, unknown>)[Symbol.for("atv.compile-cache.run-incomplete")];
    exitWith(0);
    expect(await readdir(cacheDir)).toHaveLength(1);
  });

  it("compiles as usual when the cache directory cannot be written", async () => {
    const file = await bundle("app.cjs");
    const blocker = join(dir, "file-not-dir");
    await writeFile(blocker, "");
    const exitCount = process.listenerCount("exit");
    expect(runWithCompileCache(file, { cacheDir: join(blocker, "cache") })).toBe("created");
    for (const listener of process.listeners("exit").slice(exitCount)) {
      process.off("exit", listener);
      expect(() => (listener as (code: number) => void)(0)).not.toThrow();
    }
    expect(seen()?.base).toBe("app.cjs");
  });
});

describe("compileCacheDir", () => {
  it("is per user, can be moved or turned off", () => {
    expect(compileCacheDir({ ATV_COMPILE_CACHE: "0" })).toBeUndefined();
    expect(compileCacheDir({ ATV_COMPILE_CACHE_DIR: "/x/y" })).toBe("/x/y");
    expect(compileCacheDir({ XDG_CACHE_HOME: "/home/u/.cache" })).toBe(
      "/home/u/.cache/atv/compile-cache",
    );
  });
});

describe("compileCacheVariant", () => {
  it("tells help and version runs from the others", () => {
    expect(compileCacheVariant(["--help"])).toBe("help");
    expect(compileCacheVariant(["-s", "1.2.3.4", "--version"])).toBe("help");
    expect(compileCacheVariant(["-s", "1.2.3.4", "playing"])).toBe("run");
  });
});
