// Runs the built CLIs from tests, as a user's shell would.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export type CliName = "atvremote" | "atvscript" | "atvfake";

export function binPath(name: CliName): string {
  return fileURLToPath(new URL(`../apps/${name}/bin/${name}.js`, import.meta.url));
}

/** Throws a clear error when the apps have not been built (the root `test` script builds). */
export function assertBuilt(name: CliName): void {
  const dist = fileURLToPath(new URL(`../apps/${name}/dist/main.js`, import.meta.url));
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
  { input = "" }: { input?: string } = {},
): Promise<CliResult> {
  assertBuilt(name);
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [binPath(name), ...args],
      { timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(input);
  });
}
