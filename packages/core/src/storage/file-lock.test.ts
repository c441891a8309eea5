import { readdir, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LockTimeoutError, withFileLock } from "./file-lock.js";
import { temporaryFolder } from "./test-helpers.js";

let folder: { path: string; remove: () => Promise<void> };
let lock: string;

beforeEach(async () => {
  folder = await temporaryFolder();
  lock = join(folder.path, "f.lock");
});
afterEach(() => folder.remove());

describe("withFileLock", () => {
  it("lets one holder in at a time and removes the lock afterwards", async () => {
    const events: string[] = [];
    const hold = (name: string) =>
      withFileLock(lock, async () => {
        events.push(`${name} in`);
        await new Promise((resolve) => setImmediate(resolve));
        events.push(`${name} out`);
      });
    await Promise.all([hold("a"), hold("b"), hold("c")]);
    for (let i = 0; i < events.length; i += 2) {
      expect(events[i + 1]).toBe(events[i]?.replace("in", "out"));
    }
    expect(await readdir(folder.path)).toEqual([]);
  });

  it("breaks a lock left by a process that is gone", async () => {
    // No process has pid 2^22 + 1 (above Linux's pid_max limit).
    await writeFile(lock, JSON.stringify({ pid: 4_194_305, host: hostname(), token: "old" }));
    await expect(withFileLock(lock, async () => "ran", { timeout: 1000 })).resolves.toBe("ran");
  });

  it("breaks a lock older than staleAfter", async () => {
    await writeFile(lock, JSON.stringify({ pid: process.pid, host: "elsewhere", token: "t" }));
    const past = new Date(Date.now() - 60_000);
    await utimes(lock, past, past);
    await expect(withFileLock(lock, async () => 1, { staleAfter: 30_000 })).resolves.toBe(1);
  });

  it("gives up on a live holder's lock after the timeout", async () => {
    await writeFile(lock, JSON.stringify({ pid: process.pid, host: hostname(), token: "t" }));
    await expect(withFileLock(lock, async () => 1, { timeout: 100 })).rejects.toBeInstanceOf(
      LockTimeoutError,
    );
    // Someone else's lock stays.
    expect(await readdir(folder.path)).toEqual(["f.lock"]);
  });

  it("rejects with the caller's abort reason", async () => {
    await writeFile(lock, JSON.stringify({ pid: process.pid, host: hostname(), token: "t" }));
    const reason = new Error("stop");
    const signal = AbortSignal.abort(reason);
    await expect(withFileLock(lock, async () => 1, { signal })).rejects.toBe(reason);
  });
});
