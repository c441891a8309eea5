// Test-only helpers for the storage tests: temporary folders, device configurations, and
// the writer fixture bundled into one file a child process can run.
import { execFile } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { AppleTV, type Protocol, Service } from "@atv/interface";

export async function temporaryFolder(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), "atv-storage-"));
  // Readable by the unprivileged child of the permission test.
  await chmod(path, 0o755);
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A configuration with one service per [protocol, identifier, credentials?]. */
export function device(
  name: string,
  ...services: Array<[Protocol, string | undefined, string?]>
): AppleTV {
  const config = new AppleTV({ address: "127.0.0.1", name });
  for (const [protocol, identifier, credentials] of services) {
    config.addService(new Service({ identifier, protocol, port: 1000, credentials }));
  }
  return config;
}

interface EsbuildApi {
  build(options: Record<string, unknown>): Promise<unknown>;
}

// esbuild comes with vite, which vitest runs on; it is reached through them rather than
// declared again.
function loadEsbuild(): EsbuildApi {
  const fromVitest = createRequire(createRequire(import.meta.url).resolve("vitest/package.json"));
  return createRequire(fromVitest.resolve("vite/package.json"))("esbuild") as EsbuildApi;
}

/** Bundles fixtures/writer.ts (and the storage code it imports) into `folder`. */
export async function bundleWriter(folder: string): Promise<string> {
  const outfile = join(folder, "writer.mjs");
  await loadEsbuild().build({
    entryPoints: [fileURLToPath(new URL("./fixtures/writer.ts", import.meta.url))],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    conditions: ["@atv/source"],
    outfile,
    logLevel: "silent",
  });
  await chmod(outfile, 0o644);
  return outfile;
}

export interface WriterOutcome {
  ok: boolean;
  name?: string;
  code?: string;
  message?: string;
}

/** Runs the bundled writer in a new process, optionally as another user. */
export async function runWriter(
  bundle: string,
  args: string[],
  user?: { uid: number; gid: number },
): Promise<WriterOutcome> {
  const { stdout } = await promisify(execFile)(process.execPath, [bundle, ...args], {
    ...(user ?? {}),
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim()) as WriterOutcome;
}
