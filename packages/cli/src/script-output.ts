/**
 * The envelope of every atvscript line (pyatv's `output()`): result, local time with its
 * UTC offset, then an error code, exception text or values.
 */
export interface ScriptOutputInit {
  success: boolean;
  error?: string;
  exception?: unknown;
  values?: Record<string, unknown>;
  now?: Date;
}

export function scriptOutput(init: ScriptOutputInit): Record<string, unknown> {
  const out: Record<string, unknown> = {
    result: init.success ? "success" : "failure",
    datetime: localIsoTimestamp(init.now ?? new Date()),
  };
  if (init.error) out.error = init.error;
  if (init.exception !== undefined) {
    const ex = init.exception;
    out.exception = ex instanceof Error ? ex.message : String(ex);
    out.stacktrace = ex instanceof Error ? (ex.stack ?? String(ex)) : String(ex);
  }
  if (init.values) Object.assign(out, init.values);
  return out;
}

/**
 * Local time with UTC offset and microseconds, as Python's
 * `datetime.now(timezone.utc).astimezone().isoformat()` prints it.
 */
export function localIsoTimestamp(date: Date): string {
  const pad = (n: number, width = 2) => String(Math.trunc(Math.abs(n))).padStart(width, "0");
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    `.${pad(date.getMilliseconds() * 1000, 6)}` +
    `${sign}${pad(offset / 60)}:${pad(offset % 60)}`
  );
}
