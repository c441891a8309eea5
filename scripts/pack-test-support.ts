// Packs the workspace's packages as they would be published and installs them as a user
// would, for test/packages.test.ts.
//
// The installs run offline with npm: the @atv packages come from the packed tarballs
// (npm `overrides`, so a package's @atv dependencies resolve to their tarballs too), and the
// few third-party packages from the copies the workspace already installed, so the test
// needs no registry.
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CHECKS = pathToFileURL(join(ROOT, "scripts", "installed-package-checks.mjs")).href;

export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  exports?: Record<string, unknown>;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export interface WorkspacePackage {
  dir: string;
  manifest: Manifest;
}

/** The workspace packages users install: those under packages/ and apps/ not marked private. */
export function publishedPackages(): WorkspacePackage[] {
  return ["packages", "apps"].flatMap((group) =>
    readdirSync(join(ROOT, group))
      .map((name) => join(ROOT, group, name))
      .filter((dir) => existsSync(join(dir, "package.json")))
      .map((dir) => ({ dir, manifest: readJson<Manifest>(join(dir, "package.json")) }))
      .filter(({ manifest }) => manifest.private !== true),
  );
}

export interface CommandResult {
  stdout: string;
  stderr: string;
}

/** Runs a command to its end; rejects with its output when it fails. */
export function run(
  file: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        cwd: options.cwd ?? ROOT,
        env: options.env ?? process.env,
        timeout: options.timeout ?? 60_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(`${file} ${args.join(" ")} failed: ${stdout}${stderr}`, { cause: error }),
          );
        } else {
          resolve({ stdout, stderr });
        }
      },
    );
  });
}

/**
 * pnpm as the repository pins it: the one running this test when it is (`pnpm test` sets
 * npm_execpath), else through npx.
 */
function pnpm(args: readonly string[], cwd: string): Promise<CommandResult> {
  const running = process.env.npm_execpath;
  if (running !== undefined && /pnpm\.c?js$/.test(running)) {
    return run(process.execPath, [running, ...args], { cwd });
  }
  const pinned = readJson<{ packageManager: string }>(join(ROOT, "package.json")).packageManager;
  return run("npx", ["-y", pinned, ...args], { cwd });
}

export interface PackedPackage extends WorkspacePackage {
  tarball: string;
  /** The package.json inside the tarball, as npm will read it. */
  packed: Manifest;
}

/** `pnpm pack`s every published package into `dest` (one pnpm run for all). */
export async function packAll(dest: string): Promise<Map<string, PackedPackage>> {
  const packages = publishedPackages();
  for (const { dir, manifest } of packages) {
    // Packing an unbuilt package would "succeed" with a tarball of sources alone.
    if (!existsSync(join(dir, "dist"))) {
      throw new Error(`${manifest.name} is not built: run the root "build" script first`);
    }
  }
  await pnpm(
    [
      "--recursive",
      ...packages.flatMap(({ manifest }) => ["--filter", manifest.name]),
      "pack",
      "--pack-destination",
      dest,
    ],
    ROOT,
  );
  const packed = new Map<string, PackedPackage>();
  for (const pkg of packages) {
    const { name, version } = pkg.manifest;
    const tarball = join(dest, `${name.replace("@", "").replace("/", "-")}-${version}.tgz`);
    const manifest = await run("tar", ["-xzOf", tarball, "package/package.json"]);
    packed.set(name, { ...pkg, tarball, packed: JSON.parse(manifest.stdout) as Manifest });
  }
  return packed;
}

/** The files in a packed tarball, relative to the package (npm's "package/" prefix cut). */
export async function tarballFiles(tarball: string): Promise<string[]> {
  const { stdout } = await run("tar", ["-tzf", tarball]);
  return stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => line.replace(/^package\//, ""));
}

/**
 * The folder of `dep` as Node would find it from `from`: node_modules/<dep> in `from` or
 * the nearest folder above (a package's exports may not include its package.json, so it
 * cannot be resolved by name).
 */
function packageDir(from: string, dep: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", dep);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(dir) === dir) throw new Error(`${dep} is not installed for ${from}`);
  }
}

/**
 * Where the workspace installed each third-party dependency of the packed packages: the
 * real directory (pnpm's store layout), whose own dependencies sit beside it.
 */
function thirdPartyDirs(packed: Map<string, PackedPackage>): Record<string, string> {
  const dirs: Record<string, string> = {};
  for (const { dir, packed: manifest } of packed.values()) {
    for (const dep of Object.keys(manifest.dependencies ?? {})) {
      if (dep.startsWith("@atv/") || dep in dirs) continue;
      dirs[dep] = realpathSync(packageDir(dir, dep));
    }
  }
  return dirs;
}

/**
 * Installs the package `name` alone into the empty directory `project` with npm, offline.
 * Every @atv package and third-party dependency is overridden to a local copy, so the
 * install needs no registry; a dependency a package forgot to declare is simply absent.
 */
export async function installAlone(
  name: string,
  packed: Map<string, PackedPackage>,
  project: string,
): Promise<void> {
  const target = packed.get(name);
  if (target === undefined) throw new Error(`${name} was not packed`);
  const overrides: Record<string, string> = {};
  for (const [dep, dir] of Object.entries(thirdPartyDirs(packed))) overrides[dep] = `file:${dir}`;
  for (const [other, pkg] of packed) if (other !== name) overrides[other] = `file:${pkg.tarball}`;
  await writeFile(
    join(project, "package.json"),
    JSON.stringify({
      name: "atv-install-test",
      private: true,
      dependencies: { [name]: `file:${target.tarball}` },
      overrides,
    }),
  );
  await run(
    "npm",
    ["install", "--offline", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error"],
    { cwd: project },
  );
}

export interface CheckResult {
  /** Export names per entry point ("@atv/mrp", "@atv/mrp/fake"). */
  exports: Record<string, string[]>;
  /** What the package's check against its fake returned (see installed-package-checks.mjs). */
  check: Record<string, unknown> | undefined;
}

const ESM_RUNNER = `import { readFileSync } from "node:fs";
const [checks, manifest] = process.argv.slice(2);
const { runChecks } = await import(checks);
const result = await runChecks(JSON.parse(readFileSync(manifest, "utf8")), (id) => import(id));
process.stdout.write(JSON.stringify(result));
`;

const CJS_RUNNER = `const { readFileSync } = require("node:fs");
const [checks, manifest] = process.argv.slice(2);
import(checks)
  .then(({ runChecks }) =>
    runChecks(JSON.parse(readFileSync(manifest, "utf8")), async (id) => require(id)),
  )
  .then((result) => process.stdout.write(JSON.stringify(result)));
`;

/**
 * Runs the installed package's checks in a Node process of the project, loading the
 * package with `import` (ESM) or `require` (CommonJS) as a user's module there would.
 */
export async function runInstalled(
  project: string,
  name: string,
  system: "esm" | "cjs",
): Promise<CheckResult> {
  const runner = join(project, system === "esm" ? "check.mjs" : "check.cjs");
  await writeFile(runner, system === "esm" ? ESM_RUNNER : CJS_RUNNER);
  const manifest = join(project, "node_modules", name, "package.json");
  const { stdout } = await run(process.execPath, [runner, CHECKS, manifest], { cwd: project });
  return JSON.parse(stdout) as CheckResult;
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, "utf8")) as T;
}
