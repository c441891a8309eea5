// Starts the built atvfake as a child process and waits for its "ready" line; shared by
// the demo and the benchmarks.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const bins = {
  atvfake: fileURLToPath(new URL("../apps/atvfake/bin/atvfake.cjs", import.meta.url)),
  atvremote: fileURLToPath(new URL("../apps/atvremote/bin/atvremote.cjs", import.meta.url)),
  atvscript: fileURLToPath(new URL("../apps/atvscript/bin/atvscript.cjs", import.meta.url)),
};

/**
 * Runs atvfake on 127.0.0.1 with a free mDNS port; resolves with its ready event. The clients
 * it pairs with are kept in a temporary state file (not the user's), removed at stop().
 */
export async function startFake(args = []) {
  const stateDir = mkdtempSync(join(tmpdir(), "atvfake-state-"));
  const child = spawn(
    process.execPath,
    [bins.atvfake, "--mdns-port", "0", "--state-file", join(stateDir, "pairings.json"), ...args],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  child.once("exit", () => rmSync(stateDir, { recursive: true, force: true }));
  const lines = createInterface({ input: child.stdout });
  const events = [];
  lines.on("line", (line) => events.push(JSON.parse(line)));
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("atvfake did not get ready in 10 s")), 10_000);
    child.once("exit", (code) => reject(new Error(`atvfake exited early (code ${code})`)));
    lines.on("line", (line) => {
      const event = JSON.parse(line);
      if (event.event === "ready") {
        clearTimeout(timer);
        resolve(event);
      }
    });
  });
  return {
    ready,
    /** Every JSON line atvfake printed so far, parsed. */
    events,
    /** The first event `matches` accepts, waiting for it up to `timeout` ms. */
    async waitForEvent(matches, timeout = 5000) {
      const deadline = Date.now() + timeout;
      for (;;) {
        const found = events.find(matches);
        if (found) return found;
        if (Date.now() > deadline) throw new Error("atvfake did not print the awaited event");
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
