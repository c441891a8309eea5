// The release set-up: `changeset version` (the repository's @changesets/cli) run over a copy
// of the workspace's manifests and changesets turns changesets into versions and changelogs
// for the packages they name. Run on a copy, so the repository itself never changes.
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { ROOT, run } from "../scripts/pack-test-support.js";

const CHANGESET = join(ROOT, "node_modules", ".bin", "changeset");
const BUMPS = ["patch", "minor", "major"] as const;
type Bump = (typeof BUMPS)[number];

let copy: string;
beforeEach(async () => {
  copy = await mkdtemp(join(tmpdir(), "atv-changesets-"));
});
afterEach(() => rm(copy, { recursive: true, force: true }));

/** Directories of the workspace's packages, relative to the root (as pnpm-workspace.yaml finds them). */
async function workspaceDirs(): Promise<string[]> {
  const dirs = ["bench"];
  for (const group of ["packages", "apps"]) {
    for (const name of await readdir(join(ROOT, group))) dirs.push(`${group}/${name}`);
  }
  return dirs;
}

/** Copies what `changeset version` reads: the workspace layout, manifests and .changeset/. */
async function copyWorkspace({ changesets }: { changesets: boolean }): Promise<void> {
  for (const file of ["package.json", "pnpm-workspace.yaml"]) {
    await cp(join(ROOT, file), join(copy, file));
  }
  for (const dir of await workspaceDirs()) {
    await mkdir(join(copy, dir), { recursive: true });
    await cp(join(ROOT, dir, "package.json"), join(copy, dir, "package.json"));
  }
  await mkdir(join(copy, ".changeset"));
  for (const file of await readdir(join(ROOT, ".changeset"))) {
    if (file.endsWith(".json") || changesets) {
      await cp(join(ROOT, ".changeset", file), join(copy, ".changeset", file));
    }
  }
}

async function versionOf(dir: string): Promise<string> {
  return JSON.parse(await readFile(join(copy, dir, "package.json"), "utf8")).version;
}

async function changelogOf(dir: string): Promise<string | undefined> {
  return readFile(join(copy, dir, "CHANGELOG.md"), "utf8").catch(() => undefined);
}

/** A changeset's packages and bumps, from its front matter. */
function parseChangeset(text: string): { bumps: Map<string, Bump>; summary: string } {
  const [, front = "", summary = ""] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text) ?? [];
  const bumps = new Map<string, Bump>();
  for (const [, name = "", bump] of front.matchAll(/^"([^"]+)":\s*(\w+)\s*$/gm)) {
    bumps.set(name, bump as Bump);
  }
  return { bumps, summary: summary.trim() };
}

/** The version a bump of `from` gives, as semver (and changesets) counts it. */
function bumped(from: string, bump: Bump): string {
  const [major = 0, minor = 0, patch = 0] = from.split(".").map(Number);
  if (bump === "major") return `${major + 1}.0.0`;
  if (bump === "minor") return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

it("versions every package the pending changesets name, with its changelog", async () => {
  await copyWorkspace({ changesets: true });
  const dirByName = new Map<string, string>();
  for (const dir of await workspaceDirs()) {
    dirByName.set(JSON.parse(await readFile(join(ROOT, dir, "package.json"), "utf8")).name, dir);
  }
  const highest = new Map<string, Bump>();
  const summaries = new Map<string, string[]>();
  for (const file of await readdir(join(ROOT, ".changeset"))) {
    if (!file.endsWith(".md") || file === "README.md") continue;
    const { bumps, summary } = parseChangeset(
      await readFile(join(ROOT, ".changeset", file), "utf8"),
    );
    for (const [name, bump] of bumps) {
      const before = highest.get(name);
      if (before === undefined || BUMPS.indexOf(bump) > BUMPS.indexOf(before)) {
        highest.set(name, bump);
      }
      summaries.set(name, [...(summaries.get(name) ?? []), summary]);
    }
  }
  if (highest.size === 0) return; // nothing pending: released already
  const before = new Map<string, string>();
  for (const [name, dir] of dirByName) before.set(name, await versionOf(dir));

  await run(CHANGESET, ["version"], { cwd: copy });

  for (const [name, bump] of highest) {
    const dir = dirByName.get(name);
    expect(dir, `${name} is named by a changeset but is not in the workspace`).toBeDefined();
    expect(await versionOf(dir ?? "")).toBe(bumped(before.get(name) ?? "", bump));
    const changelog = await changelogOf(dir ?? "");
    expect(changelog).toContain(`# ${name}`);
    // Each changeset's first line lands in the changelog (changesets rewraps nothing).
    for (const summary of summaries.get(name) ?? []) {
      expect(changelog).toContain(summary.split("\n")[0]);
    }
  }
  // The changesets are used up.
  const left = await readdir(join(copy, ".changeset"));
  expect(left.filter((file) => file.endsWith(".md"))).toEqual(["README.md"]);
});

it("bumps what a changeset names and patches the packages that depend on it", async () => {
  await copyWorkspace({ changesets: false });
  await writeFile(
    join(copy, ".changeset", "mrp-change.md"),
    '---\n"@atv/mrp": minor\n---\n\nMRP learns a new trick.\n',
  );
  const mrp = await versionOf("packages/mrp");
  const core = await versionOf("packages/core");
  const plist = await versionOf("packages/plist");

  await run(CHANGESET, ["version"], { cwd: copy });

  expect(await versionOf("packages/mrp")).toBe(bumped(mrp, "minor"));
  expect(await changelogOf("packages/mrp")).toContain("MRP learns a new trick.");
  // @atv/core depends on @atv/mrp: a user of core gets the change with a patch release.
  expect(await versionOf("packages/core")).toBe(bumped(core, "patch"));
  expect(await changelogOf("packages/core")).toMatch(/Updated dependencies[\s\S]*@atv\/mrp@/);
  // @atv/plist does not: it stays where it was, without a changelog.
  expect(await versionOf("packages/plist")).toBe(plist);
  expect(await changelogOf("packages/plist")).toBeUndefined();
});
