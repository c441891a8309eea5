// The packages as a user gets them: each published package packed with `pnpm pack`, then
// installed alone with npm into an empty project, loaded from ESM and from CommonJS, and
// (for the protocol packages and the facade) connected to its own fake over loopback. A
// file left out of "files", a dependency not declared, a "workspace:" version left in or
// an export condition pointing nowhere fails here and nowhere else.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  installAlone,
  type PackedPackage,
  packAll,
  publishedPackages,
  run,
  runInstalled,
  tarballFiles,
} from "../scripts/pack-test-support.js";

const published = publishedPackages();
const libraries = published.filter(({ manifest }) => manifest.bin === undefined);
const apps = published.filter(({ manifest }) => manifest.bin !== undefined);

let dir: string;
let packed: Map<string, PackedPackage>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "atv-packages-"));
  packed = await packAll(dir);
}, 60_000);

afterAll(() => rm(dir, { recursive: true, force: true }));

function packedOf(name: string): PackedPackage {
  const pkg = packed.get(name);
  if (pkg === undefined) throw new Error(`${name} was not packed`);
  return pkg;
}

/** Every file an exports map points at, through its nested conditions. */
function exportTargets(exports: unknown): string[] {
  if (typeof exports === "string") return [exports];
  if (exports === null || typeof exports !== "object") return [];
  return Object.values(exports).flatMap(exportTargets);
}

async function emptyProject(name: string): Promise<string> {
  return mkdtemp(join(dir, `${name.replace("@atv/", "")}-`));
}

describe("packed packages", () => {
  it("are the libraries and the three CLIs", () => {
    expect(libraries.map(({ manifest }) => manifest.name)).toEqual(
      expect.arrayContaining([
        "@atv/core",
        "@atv/mrp",
        "@atv/companion",
        "@atv/airplay",
        "@atv/dmap",
      ]),
    );
    expect(apps.map(({ manifest }) => manifest.name).sort()).toEqual([
      "@atv/atvfake",
      "@atv/atvremote",
      "@atv/atvscript",
    ]);
  });

  it.each(published.map(({ manifest }) => manifest.name))(
    "%s depends on real versions: workspace: and catalog: are resolved",
    (name) => {
      const { packed: manifest } = packedOf(name);
      for (const [dep, range] of Object.entries(manifest.dependencies ?? {})) {
        expect(range, `${name} → ${dep}`).toMatch(/^[\^~]?\d+\.\d+\.\d+/);
        if (dep.startsWith("@atv/")) expect(range).toBe(packedOf(dep).manifest.version);
      }
      // The CLIs bundle their libraries: nothing of the workspace is installed with them.
      if (manifest.bin !== undefined) expect(manifest.dependencies ?? {}).toEqual({});
    },
  );

  it.each(libraries.map(({ manifest }) => manifest.name))(
    "%s ships every file its exports name, and no tests",
    async (name) => {
      const { packed: manifest, tarball } = packedOf(name);
      const files = new Set(await tarballFiles(tarball));
      const targets = exportTargets(manifest.exports);
      expect(targets.length).toBeGreaterThan(0);
      for (const target of targets) {
        expect(files, `${name}: ${target}`).toContain(target.replace(/^\.\//, ""));
      }
      expect([...files].filter((file) => file.endsWith(".test.ts"))).toEqual([]);
    },
  );
});

describe.concurrent("installed alone", () => {
  it.each(libraries.map(({ manifest }) => manifest.name))(
    "%s loads from ESM and CommonJS with the same exports",
    async (name) => {
      const project = await emptyProject(name);
      await installAlone(name, packed, project);
      const esm = await runInstalled(project, name, "esm");
      const cjs = await runInstalled(project, name, "cjs");
      for (const names of Object.values(esm.exports)) expect(names.length).toBeGreaterThan(0);
      // tsup's CommonJS build adds no names of its own; ESM namespaces have no "default".
      expect(cjs.exports).toEqual(esm.exports);
      expect(cjs.check).toEqual(esm.check);
      switch (name) {
        case "@atv/mrp":
          expect(esm.check).toEqual({ encrypted: true, deviceId: "PACKED-0001", command: "play" });
          break;
        case "@atv/companion":
          expect(esm.check).toMatchObject({ firstApp: "string" });
          expect(esm.check?.apps).toBeGreaterThan(0);
          break;
        case "@atv/airplay":
          expect(esm.check).toEqual({ secretBytes: expect.any(Number) });
          expect(esm.check?.secretBytes).toBeGreaterThan(0);
          break;
        case "@atv/dmap":
          expect(esm.check).toEqual({ title: "Packed song", command: "play", tag: "x" });
          break;
        case "@atv/core":
          expect(esm.check).toEqual({
            found: true,
            name: "Packed",
            sameDevice: true,
            title: "music",
          });
          break;
      }
    },
    60_000,
  );

  it.each(apps.map(({ manifest }) => manifest.name))(
    "%s installs its command, which runs",
    async (name) => {
      const project = await emptyProject(name);
      await installAlone(name, packed, project);
      const command = name.replace("@atv/", "");
      const bin = join(project, "node_modules", ".bin", command);
      const help = await run(bin, ["--help"], { cwd: project });
      expect(help.stdout).toContain(`usage: ${command}`);
      const version = await run(bin, ["--version"], { cwd: project });
      expect(version.stdout.trim()).toBe(`${command} ${packedOf(name).manifest.version}`);
    },
    60_000,
  );
});
