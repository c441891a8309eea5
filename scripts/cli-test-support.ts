// Runs the built CLIs from tests, as a user's shell would.
import { type ChildProcessByStdio, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";

export type CliName = "atvremote" | "atvscript" | "atvfake";

// The CLIs keep pairings in ~/.pyatv.conf by default (as pyatv), and atvfake its paired
// clients under ~/.local/state: each run in a test gets a home of its own, so tests never
// touch the user's files nor see what another run saved (a test that wants storage names a
// file). V8's compile cache stays where it was, so the CLIs start as fast as for a user.
const testHomes = mkdtempSync(join(tmpdir(), "atv-cli-homes-"));
process.once("exit", () => rmSync(testHomes, { recursive: true, force: true }));

/** The environment a CLI runs with in tests: this one, with a new home of its own. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HOME: mkdtempSync(join(testHomes, "home-")),
    XDG_CACHE_HOME: process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"),
    ...extra,
  };
}

export function binPath(name: CliName): string {
  return fileURLToPath(new URL(`../apps/${name}/bin/${name}.cjs`, import.meta.url));
}

/** Throws a clear error when the apps have not been built (the root `test` script builds). */
export function assertBuilt(name: CliName): void {
  const dist = fileURLToPath(new URL(`../apps/${name}/dist/main.cjs`, import.meta.url));
  if (!existsSync(dist)) {
    throw new Error(`${name} is not built: run the root "build" script before its tests`);
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a CLI to its end; `input` is written to its standard input (then closed). */
export function runCli(
  name: CliName,
  args: readonly string[],
  { input = "", cwd, env }: { input?: string; cwd?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  assertBuilt(name);
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [binPath(name), ...args],
      {
        timeout: 30_000,
        ...(cwd !== undefined ? { cwd } : {}),
        env: cliEnv(env),
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(input);
  });
}

/**
 * Pairs as a user would (`atvremote … --protocol P --pin PIN pair`) and returns the
 * credentials it prints; throws with its output when it printed none.
 */
export async function pairWithCli(
  base: readonly string[],
  protocol: string,
  pin = "1111",
): Promise<string> {
  const paired = await runCli("atvremote", [...base, "--protocol", protocol, "--pin", pin, "pair"]);
  const credentials = /credentials: (\S+)/.exec(paired.stdout)?.[1];
  if (paired.code !== 0 || credentials === undefined) {
    throw new Error(`pairing over ${protocol} failed: ${paired.stdout}${paired.stderr}`);
  }
  return credentials;
}

/** A CLI left running, with its standard input open, and what it has printed so far. */
export interface RunningCli {
  readonly child: ChildProcessByStdio<Writable, Readable, null>;
  /** Everything printed to standard output so far. */
  output(): string;
  /** The complete lines printed so far, parsed as JSON. */
  jsonLines(): Record<string, unknown>[];
  /** Resolves with the first defined value of `check`, tried again after each output chunk. */
  until<T>(check: () => T | undefined): Promise<T>;
  /** The exit code (null when a signal ended it). */
  readonly exit: Promise<number | null>;
}

export function startCli(name: CliName, args: readonly string[]): RunningCli {
  assertBuilt(name);
  const child = spawn(process.execPath, [binPath(name), ...args], {
    env: cliEnv(),
    stdio: ["pipe", "pipe", "inherit"],
  });
  let stdout = "";
  const waiters: Array<() => void> = [];
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    for (const wake of waiters.splice(0)) wake();
  });
  const jsonLines = () =>
    stdout
      .split("\n")
      .slice(0, -1)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const until = <T>(check: () => T | undefined) =>
    new Promise<T>((resolve) => {
      const attempt = () => {
        const value = check();
        if (value === undefined) waiters.push(attempt);
        else resolve(value);
      };
      attempt();
    });
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => stdout, jsonLines, until, exit };
}
