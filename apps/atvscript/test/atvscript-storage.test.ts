import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeAppleTV } from "@atv/core/fake";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../../scripts/cli-test-support.js";

describe("atvscript with storage", () => {
  let fake: FakeAppleTV;
  let dir: string;
  let base: string[];

  beforeAll(async () => {
    // Refuses unencrypted sessions: a command works only with stored credentials.
    fake = await FakeAppleTV.start({ address: "127.0.0.1", mdnsPort: 0, requirePairing: true });
    dir = await mkdtemp(join(tmpdir(), "atvscript-storage-"));
    base = ["-s", "127.0.0.1", "--mdns-port", String(fake.mdnsPort)];
  });
  afterAll(async () => {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("uses the credentials atvremote saved to the same file", async () => {
    const storage = ["--storage-filename", join(dir, "pyatv.conf")];
    const paired = await runCli("atvremote", [
      ...base,
      ...storage,
      "--protocol",
      "mrp",
      "--pin",
      "1111",
      "pair",
    ]);
    expect(paired.code).toBe(0);
    const stored = await runCli("atvscript", [...base, ...storage, "play"]);
    expect(stored.stdout).toMatch(
      /^\{"result": "success", "datetime": "[^"]+", "command": "play"\}\n$/,
    );
    const none = await runCli("atvscript", [...base, "--storage", "none", "play"]);
    expect(JSON.parse(none.stdout).result).toBe("failure");
  });
});
