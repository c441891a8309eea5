import { describe, expect, it } from "vitest";
import { clock, progressText, streamProgress } from "./stream-progress.js";

function capture(isTTY: boolean) {
  const written: string[] = [];
  return { out: { isTTY, write: (text: string) => written.push(text) }, written };
}

describe("stream_file progress", () => {
  it("formats positions as a clock", () => {
    expect(clock(0)).toBe("0:00");
    expect(clock(61.9)).toBe("1:01");
    expect(clock(3725)).toBe("1:02:05");
    expect(clock(-3)).toBe("0:00");
  });

  it("draws a bar on a terminal, redrawn in place, and ends the line", () => {
    const { out, written } = capture(true);
    const progress = streamProgress(out);
    progress.onProgress(15, 60);
    progress.onProgress(60, 60);
    progress.end();
    expect(written).toEqual([
      `\r[${"#".repeat(8)}${"-".repeat(22)}] 0:15 / 1:00 25.0%`,
      `\r[${"#".repeat(30)}] 1:00 / 1:00 100.0%`,
      "\n",
    ]);
  });

  it("prints a plain line per second elsewhere, and no bar", () => {
    const { out, written } = capture(false);
    const progress = streamProgress(out);
    progress.onProgress(1.2, 4);
    progress.onProgress(1.7, 4);
    progress.onProgress(2.1, undefined);
    progress.end();
    expect(written).toEqual(["0:01 / 0:04 (30.0%)\n", "0:02\n"]);
  });

  it("prints the end once, even within a second already shown", () => {
    const { out, written } = capture(false);
    const progress = streamProgress(out);
    progress.onProgress(1, 1.5);
    progress.onProgress(1.5, 1.5);
    progress.onProgress(1.5, 1.5);
    expect(written).toEqual(["0:01 / 0:01 (66.7%)\n", "0:01 / 0:01 (100.0%)\n"]);
  });

  it("keeps the bar within its width past the end", () => {
    expect(progressText(90, 60, true)).toContain(`[${"#".repeat(30)}]`);
  });
});
