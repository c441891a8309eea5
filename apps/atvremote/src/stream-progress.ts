// What atvremote shows while `stream_file=` plays: on a terminal, one bar redrawn in place;
// otherwise (a pipe, a log) a plain line per second of audio, so scripts can follow it.

const BAR_WIDTH = 30;

export interface ProgressOutput {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** m:ss, or h:mm:ss from an hour on. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
}

/** One progress line: a bar when the duration is known, else the position alone. */
export function progressText(position: number, duration: number | undefined, bar: boolean): string {
  if (duration === undefined || duration <= 0) return `${clock(position)}`;
  const share = Math.min(1, Math.max(0, position / duration));
  const percent = `${(share * 100).toFixed(1)}%`;
  if (!bar) return `${clock(position)} / ${clock(duration)} (${percent})`;
  const filled = Math.round(share * BAR_WIDTH);
  return `[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}] ${clock(position)} / ${clock(duration)} ${percent}`;
}

/**
 * A progress callback for StreamFileOptions.onProgress, writing to `out`, and `end()` to
 * finish the display (the terminal's line ends there).
 */
export function streamProgress(out: ProgressOutput): {
  onProgress(position: number, duration: number | undefined): void;
  end(): void;
} {
  let shown = -1;
  let finished = false;
  let drawn = false;
  return {
    onProgress(position, duration) {
      if (out.isTTY) {
        out.write(`\r${progressText(position, duration, true)}`);
        drawn = true;
        return;
      }
      // A line per whole second reached, never two for the same second, and the end.
      const second = Math.floor(position);
      const ended = duration !== undefined && position >= duration;
      if (second === shown && !(ended && !finished)) return;
      shown = second;
      finished ||= ended;
      out.write(`${progressText(position, duration, false)}\n`);
    },
    end() {
      if (drawn) out.write("\n");
      drawn = false;
    },
  };
}
