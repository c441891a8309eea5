// Runs a built CLI on a pseudo-terminal (util-linux `script`), as a user at a terminal
// would: readline then edits lines, completes on Tab and echoes what is typed.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { assertBuilt, binPath, type CliName, cliEnv } from "../../../scripts/cli-test-support.js";

export const HAS_SCRIPT = existsSync("/usr/bin/script");

/** Terminal control sequences readline writes (cursor moves, line clears). */
const CONTROL = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, "g");

export function startOnTerminal(name: CliName, args: readonly string[]) {
  assertBuilt(name);
  const command = [process.execPath, binPath(name), ...args].map(shellQuote).join(" ");
  const child = spawn("script", ["-qfec", command, "/dev/null"], {
    env: cliEnv(),
    stdio: ["pipe", "pipe", "pipe"],
  });
  let raw = "";
  const waiters: Array<() => void> = [];
  const onData = (chunk: Buffer) => {
    raw += chunk.toString("utf8");
    for (const wake of waiters.splice(0)) wake();
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const text = () => raw.replace(CONTROL, "").replace(/\r/g, "");
  return {
    text,
    /** Resolves once the screen shows `expected` `count` times. */
    until: (expected: string, count = 1) =>
      new Promise<void>((resolve) => {
        const check = () =>
          text().split(expected).length > count ? resolve() : waiters.push(check);
        check();
      }),
    type: (keys: string) => void child.stdin.write(keys),
    exit: new Promise<number | null>((resolve) => child.once("exit", resolve)),
    kill: () => child.kill(),
  };
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}
