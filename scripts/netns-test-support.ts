// Tests that send multicast run only inside a private network namespace (`unshare -rn`),
// whose interfaces the test makes itself: nothing can reach the machine's real networks.
// A test file calls `inPrivateNetwork()`: run normally, it re-executes the file under
// unshare and checks that every test in there passed; inside, it runs the tests.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const NAMESPACE_ENV = "ATV_TEST_IN_NETNS";
const ROOT = fileURLToPath(new URL("..", import.meta.url));

export function canUnshare(): boolean {
  return spawnSync("unshare", ["-rn", "true"], { stdio: "ignore" }).status === 0;
}

export interface PrivateNetworkOptions {
  /** The test file (its import.meta.url). */
  fileUrl: string;
  /** Shell commands that make the namespace's interfaces (lo is brought up first). */
  setup?: string;
  /** The interfaces the namespace must have, and nothing else, before a packet is sent. */
  interfaces: readonly string[];
  /** How many tests the file holds, all of which must pass inside. */
  expectedTests: number;
}

export function inPrivateNetwork(
  title: string,
  options: PrivateNetworkOptions,
  tests: () => void,
): void {
  if (process.env[NAMESPACE_ENV] === "1") {
    describe(title, () => {
      it("runs in a namespace with only its own interfaces", () => {
        expect(Object.keys(networkInterfaces()).sort()).toEqual([...options.interfaces].sort());
      });
      tests();
    });
    return;
  }
  if (!canUnshare()) {
    const reason = `${title}: needs \`unshare -rn\` (user + network namespaces), not permitted here`;
    // On a developer's machine that forbids namespaces, say so and skip; in CI, a missing
    // namespace would silently drop every multicast test, so it fails instead.
    if (process.env.CI) {
      it(reason, () => {
        throw new Error(`${reason}; CI must allow unprivileged user namespaces`);
      });
    } else {
      it.skip(reason, () => {});
    }
    return;
  }
  it(`${title}: every test passes inside \`unshare -rn\``, { timeout: 120_000 }, () => {
    const vitest = join(ROOT, "node_modules/vitest/vitest.mjs");
    expect(existsSync(vitest)).toBe(true);
    const out = mkdtempSync(join(tmpdir(), "atv-netns-"));
    const report = join(out, "report.json");
    try {
      const file = relative(ROOT, fileURLToPath(options.fileUrl));
      const setup = ["ip link set lo up", options.setup].filter(Boolean).join(" && ");
      const run = spawnSync(
        "unshare",
        [
          "-rn",
          "sh",
          "-c",
          `${setup} && exec "$@"`,
          "sh",
          process.execPath,
          vitest,
          "run",
          file,
          "--reporter=json",
          `--outputFile=${report}`,
        ],
        { cwd: ROOT, env: { ...process.env, [NAMESPACE_ENV]: "1" }, encoding: "utf8" },
      );
      expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
      const result = JSON.parse(readFileSync(report, "utf8")) as {
        numPassedTests: number;
        numFailedTests: number;
        numPendingTests: number;
        numTodoTests: number;
      };
      expect(result.numFailedTests).toBe(0);
      expect(result.numPendingTests + result.numTodoTests).toBe(0);
      // +1: the interface check above.
      expect(result.numPassedTests).toBe(options.expectedTests + 1);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
}
