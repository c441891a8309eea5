// Runs a CommonJS bundle with V8's code cache kept on disk, so the CLIs do not compile
// the same megabyte of JavaScript at every start (Node 22 has module.enableCompileCache
// for this; Node 20 has not). Compiling the apps' bundle costs ~35 ms per run on the
// machines we measure; with the cache it is well under one.

import { isAscii } from "node:buffer";
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { Script } from "node:vm";
import { homeDirectory } from "@atv/interface";
import { asCommonJsFunction } from "./bundle-wrapper.js";
import { writeStandardOutput } from "./standard-output.js";

export interface CompileCacheOptions {
  /** Where cache files go; default $ATV_COMPILE_CACHE_DIR, else ~/.cache/atv (XDG). */
  cacheDir?: string | undefined;
  /** Environment to read the settings from; default process.env. */
  env?: NodeJS.ProcessEnv;
  /**
   * Runs that use different parts of the bundle keep separate caches (V8 caches only the
   * functions a run compiled): e.g. "help" and "run".
   */
  variant?: string;
  /**
   * The `require` the file's code gets; default one made for the file. A launcher in the
   * file's own folder passes its own, which resolves alike: making one loads node:module,
   * and with it Node's ES module loader (~1.4 ms of a cold command).
   */
  require?: NodeJS.Require;
}

/** What happened to the cache, for tests and debugging. */
export type CompileCacheUse = "used" | "created" | "rejected" | "off";

/**
 * The directory for cache files: ATV_COMPILE_CACHE=0 turns caching off. The default is
 * per user (never a shared temporary directory, where another user could plant code).
 */
export function compileCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.ATV_COMPILE_CACHE === "0") return undefined;
  if (env.ATV_COMPILE_CACHE_DIR) return env.ATV_COMPILE_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || join(homeDirectory(env), ".cache");
  return join(base, "atv", "compile-cache");
}

/** The cache variant of a command line: asking for help or the version, or running. */
export function compileCacheVariant(argv: readonly string[]): "help" | "run" {
  return argv.some((arg) => arg === "-h" || arg === "--help" || arg === "--version")
    ? "help"
    : "run";
}

/**
 * Loads and runs the CommonJS file `file` as Node would, using and refreshing a code
 * cache beside it in the cache directory. Any failure of the cache (no directory, a
 * read-only disk, a stale or damaged file) only means compiling as usual.
 */
export function runWithCompileCache(
  file: string,
  options: CompileCacheOptions = {},
): CompileCacheUse {
  const source = readSource(file);
  const dir = "cacheDir" in options ? options.cacheDir : compileCacheDir(options.env);
  const cacheFile = dir === undefined ? undefined : join(dir, cacheName(file, options.variant));
  const cachedData = cacheFile === undefined ? undefined : readIfThere(cacheFile);

  const script = new Script(asCommonJsFunction(source), {
    filename: file,
    ...(cachedData !== undefined ? { cachedData } : {}),
  });
  const use: CompileCacheUse =
    cacheFile === undefined
      ? "off"
      : cachedData === undefined
        ? "created"
        : script.cachedDataRejected
          ? "rejected"
          : "used";
  if (cacheFile !== undefined && use !== "used") {
    // Written at exit, so the functions compiled while the command ran are in it too; and
    // only by a run that did its whole job. A cache is never rewritten while it is valid,
    // so one written by a run that failed early (a mistyped option, a device not found)
    // would leave every later run of that command compiling what that run never reached.
    const stem = cacheStem(file, options.variant ?? "");
    process.once("exit", (code) => {
      if (code === 0 && !runIncomplete()) writeCache(cacheFile, script, stem);
    });
  }
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  const module = { exports: {} };
  const localRequire = options.require ?? createRequire(file);
  run.call(module.exports, module.exports, localRequire, module, file, dirname(file));
  return use;
}

/** Shared by the launcher and the bundle it runs, which are built apart: a global symbol. */
const INCOMPLETE = Symbol.for("atv.compile-cache.run-incomplete");

/**
 * Says that this run failed although it exits with 0 (atvscript reports failures in its
 * JSON): its compile cache is then not written, and a later run that succeeds writes it.
 */
export function markRunIncomplete(): void {
  (globalThis as Record<symbol, unknown>)[INCOMPLETE] = true;
}

function runIncomplete(): boolean {
  return (globalThis as Record<symbol, unknown>)[INCOMPLETE] === true;
}

/**
 * The file's text. The apps' bundles are ASCII (their build escapes the rest), and an ASCII
 * file read as Latin-1 becomes a one-byte string at once: reading it as UTF-8 costs ~2 ms
 * more, and a single character outside Latin-1 would make V8 hold the whole megabyte as
 * UTF-16, slower to hash when the code cache is checked.
 */
function readSource(file: string): string {
  const bytes = readFileSync(file);
  return bytes.toString(isAscii(bytes) ? "latin1" : "utf8");
}

/**
 * One cache file per app, bundle build, variant and Node version: a rebuilt bundle gets a
 * new name, and the caches of its earlier builds are removed when it is written (see
 * pruneStale). The app is the bundle's package folder (apps/atvscript/dist/main.cjs:
 * "atvscript"), since every app's bundle is a main.cjs. (No hash of the path: loading
 * node:crypto alone would cost more than it saves.)
 */
function cacheName(file: string, variant = ""): string {
  const stat = statSync(file);
  const build = `${stat.size.toString(36)}-${Math.trunc(stat.mtimeMs).toString(36)}`;
  return `${cacheStem(file, variant)}-${build}-${runtimeTag()}.bin`;
}

function cacheStem(file: string, variant: string): string {
  const app = basename(dirname(dirname(file)));
  const tag = variant === "" ? "" : `-${variant}`;
  return `${app}-${basename(file)}${tag}`;
}

function runtimeTag(): string {
  return `node${process.versions.node}-${process.arch}`;
}

/**
 * Removes the caches of other builds of the same app, variant and Node version: without
 * this every upgrade (or, for a developer, every build) left its caches behind for good.
 * Other Node versions' caches stay, for machines that switch between them.
 */
function pruneStale(dir: string, current: string, stem: string): void {
  const suffix = `-${runtimeTag()}.bin`;
  for (const name of readdirSync(dir)) {
    if (name === current || !name.startsWith(`${stem}-`) || !name.endsWith(suffix)) continue;
    // Exactly a build stamp (two base-36 fields) between: not a longer variant's file.
    const build = name.slice(stem.length + 1, name.length - suffix.length);
    if (!/^[0-9a-z]+-[0-9a-z]+$/.test(build)) continue;
    try {
      unlinkSync(join(dir, name));
    } catch {
      // Another start may have removed it first.
    }
  }
}

function readIfThere(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function writeCache(path: string, script: Script, stem: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // Written whole, then renamed: a concurrent start never reads half a file.
    const partial = `${path}.${process.pid}.tmp`;
    writeFileSync(partial, script.createCachedData(), { mode: 0o600 });
    renameSync(partial, path);
    pruneStale(dirname(path), basename(path), stem);
  } catch {
    // Caching is an optimisation only.
  }
}

/** What an app's launcher knows from the command line before the bundle runs. */
export interface LaunchPlan {
  /** Text that answers the command line (an app's --help): printed, and the bundle never read. */
  answer?: string | undefined;
  /**
   * The cache variant; default compileCacheVariant(argv). Apps name the command here: V8
   * caches only the functions the run that wrote the cache compiled, so a cache written by
   * `scan` leaves a later `playing` compiling its connect path at every start (~7 ms).
   */
  variant?: string | undefined;
}

/**
 * What an app's bin runs: its bundle, cached per variant of the command line, unless `plan`
 * answers the command line itself (reading, deserialising and initialising the bundle costs
 * about what Node's own start does). ATV_COMPILE_CACHE_DEBUG=1 prints what happened to the
 * cache on standard error. `localRequire`: see CompileCacheOptions' `require`.
 */
export function launchBundle(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
  plan: LaunchPlan = {},
  localRequire?: NodeJS.Require,
): void {
  if (plan.answer !== undefined) {
    writeStandardOutput(plan.answer);
    return;
  }
  const variant = plan.variant ?? compileCacheVariant(process.argv.slice(2));
  const use = runWithCompileCache(file, {
    env,
    variant: cacheSafe(variant),
    ...(localRequire ? { require: localRequire } : {}),
  });
  if (env.ATV_COMPILE_CACHE_DEBUG === "1") process.stderr.write(`atv compile cache: ${use}\n`);
}

/** A variant as part of a file name: command names are short words, anything else is cut. */
function cacheSafe(variant: string): string {
  return variant.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 40);
}
