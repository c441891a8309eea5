// Storage: load and save of a pyatv-format settings file with 1,000 devices (each with
// identifiers and credentials for three protocols). A save changes one device, so it does
// the whole path: lock, re-read and check the file, write a temporary file, fsync, rename.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileStorage } from "@atv/core";
import { median, timeMs } from "./stats.mjs";

const DEVICES = 1000;
const RUNS = 25;

function model() {
  const devices = [];
  for (let i = 0; i < DEVICES; i++) {
    const hex = i.toString(16).padStart(12, "0");
    const mac = hex.match(/../g).join(":").toUpperCase();
    devices.push({
      info: { rp_id: hex },
      protocols: {
        airplay: { identifier: mac, credentials: `${hex}:${"ab".repeat(32)}:${"cd".repeat(16)}` },
        companion: { identifier: `COMPANION-${hex}`, credentials: "ef".repeat(48) },
        mrp: { identifier: `MRP-${hex}`, credentials: "01".repeat(48) },
      },
    });
  }
  return { version: 1, devices };
}

export async function benchStorage() {
  const folder = await mkdtemp(join(tmpdir(), "atv-bench-storage-"));
  try {
    const file = join(folder, "pyatv.conf");
    await writeFile(file, JSON.stringify(model()));
    const loads = [];
    const saves = [];
    for (let i = 0; i < RUNS; i++) {
      const storage = new FileStorage(file);
      loads.push(await timeMs(() => storage.load()));
      const settings = storage.settings[i % DEVICES];
      settings.protocols.mrp.credentials = `changed ${i}`;
      saves.push(await timeMs(() => storage.save()));
    }
    const load = median(loads);
    const save = median(saves);
    return [
      {
        name: `Storage load of a ${DEVICES}-device file, median`,
        value: load,
        unit: "ms",
        target: "reference",
      },
      {
        name: `Storage save (one device changed) of the same, median`,
        value: save,
        unit: "ms",
        target: "reference",
      },
      {
        name: `Storage load + save of the same, median sum`,
        value: load + save,
        unit: "ms",
        target: "< 20 ms",
      },
    ];
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await benchStorage())
    console.log(`${row.name}: ${row.value.toFixed(2)} ${row.unit}`);
}
