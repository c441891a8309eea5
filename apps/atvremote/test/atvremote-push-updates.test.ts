import { FakeAppleTV } from "@atv/core/fake";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startCli } from "../../../scripts/cli-test-support.js";

const SEPARATOR = `${"-".repeat(20)}\n`;

/** atvremote running with its standard input open, and what it printed so far. */
function startRemote(args: string[]) {
  const remote = startCli("atvremote", args);
  /** Resolves once what was printed contains `text`. */
  const printed = (text: string) =>
    remote.until(() => (remote.output().includes(text) ? true : undefined));
  return { child: remote.child, printed, exit: remote.exit, output: remote.output };
}

/** The updates printed: each block before a separator. */
function updatesIn(stdout: string): string[] {
  const [head, ...blocks] = stdout.split(SEPARATOR);
  expect(blocks.at(-1)).toBe("");
  return [head ?? "", ...blocks.slice(0, -1)];
}

describe("atvremote push_updates", () => {
  let fake: FakeAppleTV;
  let base: string[];
  beforeAll(async () => {
    fake = await FakeAppleTV.start({ address: "127.0.0.1", mdnsPort: 0 });
    base = ["-s", "127.0.0.1", "--mdns-port", String(fake.mdnsPort)];
  });
  afterAll(() => fake.close());

  it("prints each update followed by a separator until Enter", async () => {
    fake.mrp?.useCases.exampleVideo();
    const remote = startRemote([...base, "push_updates"]);
    await remote.printed(`Title: dummy`);
    fake.mrp?.useCases.exampleMusic();
    await remote.printed(`Title: music`);
    fake.mrp?.useCases.nothingPlaying();
    await remote.printed("Device state: Idle");
    remote.child.stdin.write("\n");
    expect(await remote.exit).toBe(0);

    const stdout = remote.output();
    expect(stdout.startsWith("Press ENTER to stop\n")).toBe(true);
    const updates = updatesIn(stdout.slice("Press ENTER to stop\n".length));
    expect(updates).toHaveLength(3);
    expect(updates[0]).toMatch(/^ {2}Media type: Video\nDevice state: Paused\n {7}Title: dummy\n/);
    expect(updates[1]).toMatch(/^ {2}Media type: Music\nDevice state: Paused\n {7}Title: music\n/);
    expect(updates[1]).toContain("      Artist: artist\n");
    expect(updates[2]).toMatch(/^ {2}Media type: Unknown\nDevice state: Idle\n/);
    expect(updates[2]).not.toContain("Title");
  });

  it("stops on Ctrl-C with exit code 0", async () => {
    fake.mrp?.useCases.exampleVideo();
    const remote = startRemote([...base, "push_updates"]);
    await remote.printed(SEPARATOR);
    remote.child.kill("SIGINT");
    expect(await remote.exit).toBe(0);
    expect(updatesIn(remote.output())).toEqual([expect.stringContaining("Title: dummy")]);
  });

  it("stops when its input ends, and runs the commands after it", async () => {
    fake.mrp?.useCases.exampleMusic();
    const { code, stdout } = await runCli("atvremote", [...base, "push_updates", "app"]);
    expect(code).toBe(0);
    expect(stdout.startsWith("Press ENTER to stop\n")).toBe(true);
    expect(stdout.endsWith("(com.github.postlund.pyatv)\n")).toBe(true);
  });
});
