import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import {
  chmod,
  copyFile,
  mkdir,
  readdir,
  readFile,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { Protocol, SettingsError } from "@atv/interface";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileStorage } from "./file-storage.js";
import { bundleWriter, device, runWriter, temporaryFolder } from "./test-helpers.js";

const FIXTURE = new URL("./fixtures/pyatv.conf", import.meta.url);

const MRP_TV = () =>
  device(
    "Living Room",
    [Protocol.MRP, "6D6F7265-6D72-7069-6465-6E7469666965"],
    [Protocol.AirPlay, "AA:BB:CC:DD:EE:FF"],
  );

let folder: { path: string; remove: () => Promise<void> };
let file: string;

beforeEach(async () => {
  folder = await temporaryFolder();
  file = join(folder.path, "pyatv.conf");
});

afterEach(async () => {
  await folder.remove();
});

async function loaded(path = file): Promise<FileStorage> {
  const storage = new FileStorage(path);
  await storage.load();
  return storage;
}

async function rejection(promise: Promise<unknown>): Promise<SettingsError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SettingsError);
  return error as SettingsError;
}

describe("FileStorage with a file pyatv wrote", () => {
  it("loads every device's settings at once", async () => {
    await copyFile(FIXTURE, file);
    const storage = await loaded();
    expect(storage.settings).toHaveLength(3);
    const [tv, kitchen, atv3] = storage.settings;
    expect(tv?.protocols.mrp).toEqual({
      identifier: "6D6F7265-6D72-7069-6465-6E7469666965",
      credentials: "1a2b:3c4d:5e6f:7a8b",
    });
    expect(tv?.info.rpId).toBe("3f9a0c2b7e11");
    expect(tv?.info.name).toBe("pyatv");
    expect(kitchen?.info).toMatchObject({ name: "Köket remote", mac: "02:11:22:33:44:55" });
    expect(kitchen?.protocols.airplay.mrpTunnel).toBe("disable");
    expect(kitchen?.protocols.raop).toMatchObject({
      password: "hunter2",
      protocolVersion: "2",
      timingPort: 5000,
      controlPort: 5001,
    });
    expect(atv3?.protocols.dmap.credentials).toBe("00000000-1111-2222-3333-444444444444");
  });

  it("finds a device's settings by any of its identifiers", async () => {
    await copyFile(FIXTURE, file);
    const storage = await loaded();
    const byRaop = await storage.getSettings(device("x", [Protocol.RAOP, "AABBCCDDEEFF"]));
    expect(byRaop).toBe(storage.settings[0]);
  });

  it("writes back exactly the bytes pyatv writes for the same model", async () => {
    await copyFile(FIXTURE, file);
    const storage = await loaded();
    // A change and its undoing: the save has something to do, and the model is as read.
    const settings = storage.settings[0];
    if (!settings) throw new Error("no device");
    settings.protocols.mrp.credentials = "changed";
    await storage.save();
    expect(await readFile(file, "utf8")).not.toBe(await readFile(FIXTURE, "utf8"));
    settings.protocols.mrp.credentials = "1a2b:3c4d:5e6f:7a8b";
    await storage.save();
    expect(await readFile(file, "utf8")).toBe(await readFile(FIXTURE, "utf8"));
  });

  it("writes new devices with pyatv's field names, types and omissions", async () => {
    const storage = await loaded();
    const settings = await storage.getSettings(MRP_TV());
    settings.protocols.mrp.credentials = "creds";
    settings.protocols.raop.timingPort = 6000;
    settings.info.name = "atv";
    await storage.save();
    const written = JSON.parse(await readFile(file, "utf8"));
    expect(written).toEqual({
      version: 1,
      devices: [
        {
          // Defaults and unset values are left out, as pyatv's exclude_defaults does;
          // rp_id is random per device and so always written.
          info: { name: "atv", rp_id: settings.info.rpId },
          protocols: {
            airplay: { identifier: "AA:BB:CC:DD:EE:FF" },
            mrp: { identifier: "6D6F7265-6D72-7069-6465-6E7469666965", credentials: "creds" },
            raop: { timing_port: 6000 },
          },
        },
      ],
    });
    expect(settings.info.rpId).toMatch(/^[0-9a-f]{12}$/);
    expect(typeof written.devices[0].protocols.raop.timing_port).toBe("number");
  });

  it("keeps keys it does not know, at the top, per device and per protocol", async () => {
    const model = {
      version: 1,
      devices: [
        {
          info: { rp_id: "001122334455", future_info: [1, 2] },
          protocols: {
            mrp: { identifier: "MRP-1", credentials: "a", future_flag: true },
            hap: { identifier: "HAP-1" },
          },
          future_device: { nested: "yes" },
        },
      ],
      future_top: "kept",
    };
    await writeFile(file, JSON.stringify(model));
    const storage = await loaded();
    const settings = await storage.getSettings(device("tv", [Protocol.MRP, "MRP-1"]));
    settings.protocols.mrp.credentials = "b";
    await storage.save();
    const written = JSON.parse(await readFile(file, "utf8"));
    expect(written.future_top).toBe("kept");
    expect(written.devices[0].info.future_info).toEqual([1, 2]);
    expect(written.devices[0].protocols.mrp).toEqual({
      identifier: "MRP-1",
      credentials: "b",
      future_flag: true,
    });
    expect(written.devices[0].protocols.hap).toEqual({ identifier: "HAP-1" });
    expect(written.devices[0].future_device).toEqual({ nested: "yes" });
  });

  it("gives a device without rp_id (or with null) a new random one, as pyatv does", async () => {
    await writeFile(
      file,
      JSON.stringify({ version: 1, devices: [{ info: { rp_id: null } }, { protocols: {} }] }),
    );
    const storage = await loaded();
    const [a, b] = storage.settings;
    expect(a?.info.rpId).toMatch(/^[0-9a-f]{12}$/);
    expect(b?.info.rpId).toMatch(/^[0-9a-f]{12}$/);
    expect(a?.info.rpId).not.toBe(b?.info.rpId);
  });

  it("treats a missing file as an empty storage", async () => {
    const storage = await loaded(join(folder.path, "absent.conf"));
    expect(storage.settings).toEqual([]);
  });

  it("uses ~/.pyatv.conf by default", () => {
    expect(FileStorage.defaultStorage().filename).toBe(join(homedir(), ".pyatv.conf"));
    expect(String(FileStorage.defaultStorage())).toBe(
      `FileStorage:${join(homedir(), ".pyatv.conf")}`,
    );
  });
});

describe("FileStorage writes", () => {
  it("create the file with mode 0600 and leave no temporary file", async () => {
    const storage = await loaded();
    await storage.getSettings(MRP_TV());
    await storage.save();
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(folder.path)).toEqual(["pyatv.conf"]);
  });

  it("replace the file by rename, so a reader never sees half of it", async () => {
    await copyFile(FIXTURE, file);
    const before = (await stat(file)).ino;
    const storage = await loaded();
    await storage.getSettings(MRP_TV());
    const settings = storage.settings[0];
    if (settings) settings.protocols.mrp.credentials = "new";
    await storage.save();
    expect((await stat(file)).ino).not.toBe(before);
  });

  it("skip the write when nothing changed", async () => {
    await copyFile(FIXTURE, file);
    const storage = await loaded();
    const before = (await stat(file)).ino;
    await storage.save();
    expect((await stat(file)).ino).toBe(before);
  });

  it("follow a symbolic link and replace the file it points at", async () => {
    await copyFile(FIXTURE, file);
    const link = join(folder.path, "link.conf");
    await symlink(file, link);
    const storage = await loaded(link);
    await storage.getSettings(device("new", [Protocol.MRP, "NEW"]));
    await storage.save();
    expect((await stat(link)).isFile()).toBe(true);
    expect(JSON.parse(await readFile(file, "utf8")).devices).toHaveLength(4);
  });

  it("drop removed devices from the file", async () => {
    await copyFile(FIXTURE, file);
    const storage = await loaded();
    const first = storage.settings[0];
    if (!first) throw new Error("no device");
    expect(await storage.removeSettings(first)).toBe(true);
    await storage.save();
    expect((await loaded()).settings.map((s) => s.info.rpId)).toEqual([
      "0badc0ffee00",
      "cafecafecafe",
    ]);
  });

  it("refuse settings pyatv could not read back, leaving the file as it is", async () => {
    await copyFile(FIXTURE, file);
    const storage = await loaded();
    const first = storage.settings[0];
    if (!first) throw new Error("no device");
    first.info.mac = "not a mac";
    const error = await rejection(storage.save());
    expect(error.message).toContain("devices[0].info.mac");
    expect(await readFile(file, "utf8")).toBe(await readFile(FIXTURE, "utf8"));
  });
});

describe("FileStorage with a file it cannot use", () => {
  const cases: Array<[string, string, RegExp]> = [
    ["corrupt", "{not json", /is not valid JSON/],
    ["truncated", readFileSync(FIXTURE, "utf8").slice(0, 120), /is not valid JSON/],
    ["empty", "", /is empty/],
    ["of another version", '{"version": 2, "devices": []}', /version: unsupported version 2/],
    ["without devices", '{"version": 1}', /devices: missing/],
    [
      "with a bad field",
      '{"version": 1, "devices": [{"protocols": {"raop": {"timing_port": "x"}}}]}',
      /devices\[0\]\.protocols\.raop\.timing_port: expected a whole number/,
    ],
    [
      "with a bad enum",
      '{"version": 1, "devices": [{"protocols": {"airplay": {"mrp_tunnel": "yes"}}}]}',
      /mrp_tunnel: expected one of "auto", "force", "disable", got "yes"/,
    ],
    [
      "with a bad MAC",
      '{"version": 1, "devices": [{"info": {"mac": "zz"}}]}',
      /info\.mac: "zz" is not a valid MAC address/,
    ],
    ["that is a list", "[]", /top level: expected an object/],
  ];

  for (const [what, content, problem] of cases) {
    it(`rejects a file ${what}, naming file and problem, and never overwrites it`, async () => {
      await writeFile(file, content);
      const storage = new FileStorage(file);
      const error = await rejection(storage.load());
      expect(error.message).toContain(file);
      expect(error.message).toMatch(problem);
      expect(error.code).toBe("ERR_ATV_SETTINGS");

      // A save after the failed load re-reads the file and refuses too.
      await storage.getSettings(MRP_TV());
      await rejection(storage.save());
      expect(await readFile(file, "utf8")).toBe(content);
    });
  }

  it("rejects a save when the file got corrupt after loading", async () => {
    await copyFile(FIXTURE, file);
    const storage = await loaded();
    await writeFile(file, '{"version": 1, "devi');
    await storage.getSettings(device("new", [Protocol.MRP, "NEW"]));
    const error = await rejection(storage.save());
    expect(error.message).toMatch(/is not valid JSON/);
    expect(await readFile(file, "utf8")).toBe('{"version": 1, "devi');
  });

  it("rejects a path whose folder is a file, for load and save", async () => {
    const notAFolder = join(folder.path, "plain-file");
    await writeFile(notAFolder, "x");
    const storage = new FileStorage(join(notAFolder, "pyatv.conf"));
    const loadError = await rejection(storage.load());
    expect(loadError.message).toMatch(/cannot read .*plain-file\/pyatv\.conf \(ENOTDIR\)/);
    await storage.getSettings(MRP_TV());
    const saveError = await rejection(storage.save());
    expect(saveError.message).toMatch(/cannot save .*: cannot write in .*plain-file \(ENOTDIR\)/);
    expect(await readFile(notAFolder, "utf8")).toBe("x");
  });

  // The file is read synchronously (see readBytes): a FIFO there must not block the process.
  it("rejects a path that is not a regular file, a FIFO or a folder, without blocking", async () => {
    const fifo = join(folder.path, "fifo.conf");
    execFileSync("mkfifo", [fifo]);
    const fromFifo = await rejection(new FileStorage(fifo).load());
    expect(fromFifo.message).toMatch(/cannot read .*fifo\.conf: it is not a regular file/);
    const fromFolder = await rejection(new FileStorage(folder.path).load());
    expect(fromFolder.message).toMatch(/it is not a regular file/);
  });

  it("rejects a save in a folder it may not write, leaving the file untouched", async () => {
    const locked = join(folder.path, "locked");
    await mkdir(locked);
    const target = join(locked, "pyatv.conf");
    await copyFile(FIXTURE, target);
    await chmod(target, 0o644);
    await chmod(locked, 0o555);
    try {
      if (process.getuid?.() === 0) {
        // Root writes anywhere: the attempt runs in a process of an unprivileged user.
        const bundle = await bundleWriter(folder.path);
        const outcome = await runWriter(bundle, [target, "denied", "1"], {
          uid: 65534,
          gid: 65534,
        });
        expect(outcome).toMatchObject({
          ok: false,
          name: "SettingsError",
          code: "ERR_ATV_SETTINGS",
        });
        expect(outcome.message).toMatch(/cannot write in .*locked \(EACCES\).*left as it is/);
      } else {
        const storage = await loaded(target);
        await storage.getSettings(MRP_TV());
        const error = await rejection(storage.save());
        expect(error.message).toMatch(/cannot write in .*locked \(EACCES\).*left as it is/);
      }
      expect(await readFile(target, "utf8")).toBe(await readFile(FIXTURE, "utf8"));
      expect(await readdir(locked)).toEqual(["pyatv.conf"]);
    } finally {
      await chmod(locked, 0o755);
    }
  });
});

describe("FileStorage with two writers", () => {
  it("keeps both instances' new devices when they save one after the other", async () => {
    await copyFile(FIXTURE, file);
    const a = await loaded();
    const b = await loaded();
    (await a.getSettings(device("a", [Protocol.MRP, "A"]))).protocols.mrp.credentials = "ca";
    (await b.getSettings(device("b", [Protocol.MRP, "B"]))).protocols.mrp.credentials = "cb";
    await a.save();
    await b.save();
    const ids = (await loaded()).settings.map((s) => s.protocols.mrp.identifier);
    expect(ids).toEqual(expect.arrayContaining(["A", "B"]));
    expect(ids).toHaveLength(5);
    // b took in a's device on saving.
    expect(b.settings.map((s) => s.protocols.mrp.identifier)).toContain("A");
  });

  it("merges changes to different fields of one device", async () => {
    await copyFile(FIXTURE, file);
    const a = await loaded();
    const b = await loaded();
    const tvA = await a.getSettings(MRP_TV());
    const tvB = await b.getSettings(MRP_TV());
    tvA.protocols.companion.credentials = "companion from a";
    tvB.protocols.airplay.credentials = "airplay from b";
    await Promise.all([a.save(), b.save()]);
    const [tv] = (await loaded()).settings;
    expect(tv?.protocols.companion.credentials).toBe("companion from a");
    expect(tv?.protocols.airplay.credentials).toBe("airplay from b");
    // Whichever instance took the lock second merged the other's change into its live
    // object too (which one that is depends on the order the saves reach the lock).
    const both = [tvA, tvB].filter(
      (tv) =>
        tv.protocols.companion.credentials === "companion from a" &&
        tv.protocols.airplay.credentials === "airplay from b",
    );
    expect(both).toHaveLength(1);
  });

  it("loses no device when both save many times at once", async () => {
    const a = await loaded();
    const b = await loaded();
    const adds = (storage: FileStorage, prefix: string) =>
      (async () => {
        for (let i = 0; i < 20; i++) {
          await storage.getSettings(device(`${prefix}${i}`, [Protocol.MRP, `${prefix}${i}`]));
          await storage.save();
        }
      })();
    await Promise.all([adds(a, "a"), adds(b, "b")]);
    expect((await loaded()).settings).toHaveLength(40);
    expect(await readdir(folder.path)).toEqual(["pyatv.conf"]);
  });

  it("loses no device when separate processes save at once", async () => {
    const bundle = await bundleWriter(folder.path);
    await copyFile(FIXTURE, file);
    const outcomes = await Promise.all(
      ["p", "q", "r"].map((prefix) => runWriter(bundle, [file, prefix, "15"])),
    );
    expect(outcomes).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    const storage = await loaded();
    expect(storage.settings).toHaveLength(3 + 45);
    const kept = storage.settings.find((s) => s.protocols.mrp.identifier === "q-14");
    expect(kept?.protocols.mrp.credentials).toBe("credentials of q-14");
    expect((await readdir(folder.path)).sort()).toEqual(["pyatv.conf", "writer.mjs"]);
  });
});
