import type { AppleTV } from "@atv/core";

/**
 * The wizard's list of devices, as pyatv prints it with tabulate's "simple" format: a
 * right-aligned index, then name, model and address left-aligned; each column as wide as
 * its widest cell or its header plus two; columns two spaces apart; no trailing spaces.
 */
export function formatDeviceTable(devices: readonly AppleTV[]): string {
  const headers = ["", "Name", "Model", "Address"];
  const rows = devices.map((d, i) => [String(i + 1), d.name, d.deviceInfo.modelStr, d.address]);
  const widths = headers.map((header, column) =>
    Math.max(header.length + 2, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        return column === 0 ? cell.padStart(width) : cell.padEnd(width);
      })
      .join("  ")
      .trimEnd();
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  return [line(headers), rule, ...rows.map(line)].join("\n");
}
