import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCli } from "../../../scripts/cli-test-support.js";

// The fakes of one test file keep their state here: as a user's, one file per device, so
// credentials the CLIs stored for a device in one test still verify in the next.
const stateDir = mkdtempSync(join(tmpdir(), "atvfake-state-"));
process.once("exit", () => rmSync(stateDir, { recursive: true, force: true }));

function option(args: readonly string[], name: string): string {
  const at = args.indexOf(name);
  return at === -1 ? "" : (args[at + 1] ?? "");
}

/**
 * atvfake running, with its JSON events as they come. Unless `args` name one, its state
 * file is the test file's for that device (by profile, name and address), never the user's.
 */
export function startFake(args: string[]) {
  const device = ["--profile", "--name", "--address"].map((name) => option(args, name)).join("_");
  const stateArgs = args.includes("--state-file")
    ? []
    : ["--state-file", join(stateDir, `${encodeURIComponent(device)}.json`)];
  const fake = startCli("atvfake", [...args, ...stateArgs]);
  const lines = (name: string) => fake.jsonLines().filter((e) => e.event === name);
  const nextAll = (name: string, count: number) =>
    fake.until(() => {
      const found = lines(name);
      return found.length >= count ? found.slice(0, count) : undefined;
    });
  const next = async (name: string) => (await nextAll(name, 1))[0] ?? {};
  return { child: fake.child, next, nextAll, lines, exit: fake.exit };
}
