// Runs every benchmark and prints a Markdown table; with --write-readme it also puts the
// table between the bench markers in README.md. Benchmarks measure, they never fail on a time.
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { benchCliStart } from "./cli-start.mjs";
import { benchCompanion } from "./companion.mjs";
import { benchConnect } from "./connect.mjs";
import { benchDmap } from "./dmap.mjs";
import { benchLoopback } from "./loopback.mjs";
import { benchMrp } from "./mrp.mjs";
import { benchNowPlaying } from "./now-playing.mjs";
import { benchRaop } from "./raop.mjs";
import { benchScan } from "./scan.mjs";
import { benchStorage } from "./storage.mjs";
import { benchTunnel } from "./tunnel.mjs";

const rows = [
  ...(await benchCliStart()),
  // First of the in-process rows: its throughput suffers from the heap the others leave.
  ...(await benchDmap()),
  ...(await benchScan()),
  ...(await benchLoopback()),
  ...(await benchMrp()),
  ...(await benchTunnel()),
  ...(await benchNowPlaying()),
  ...(await benchCompanion()),
  ...(await benchConnect()),
  ...(await benchStorage()),
  ...(await benchRaop()),
];

const header = `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}; medians of repeated runs.`;
const table = [
  "| measure | result | target |",
  "| --- | --- | --- |",
  ...rows.map((r) => `| ${r.name} | ${format(r)} | ${r.target} |`),
].join("\n");
/** Rates as whole numbers with separators; times and ratios to a tenth (two places below 10). */
function format(row) {
  if (row.unit === "/s") return `${Math.round(row.value).toLocaleString("en-US")}/s`;
  if (row.unit === "packets") return `${row.value} packets`;
  const figure = row.value.toFixed(row.value < 10 ? 2 : 1);
  return row.unit === "×" ? `${figure}×` : `${figure} ${row.unit}`;
}

const text = `${header}\n\n${table}\n`;
console.log(text);

if (process.argv.includes("--write-readme")) {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  const start = "<!-- bench:start -->";
  const end = "<!-- bench:end -->";
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error("README.md has no bench markers");
  writeFileSync(
    new URL("../README.md", import.meta.url),
    `${readme.slice(0, from + start.length)}\n${text}${readme.slice(to)}`,
  );
  console.log("README.md updated.");
}
