/**
 * Resolves on the first line read from `input` (Enter), at its end, or when `signal`
 * aborts, whichever comes first; then closes `input` (a paused pipe would still keep
 * the process alive), so it is for a process's last read of its input.
 */
export function waitForLine(input: NodeJS.ReadStream, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      input.off("data", onData);
      input.off("end", done);
      input.off("close", done);
      signal.removeEventListener("abort", done);
      input.destroy();
      resolve();
    };
    const onData = (chunk: Buffer | string) => {
      if (String(chunk).includes("\n")) done();
    };
    if (signal.aborted || input.readableEnded) {
      resolve();
      return;
    }
    input.on("data", onData);
    input.once("end", done);
    input.once("close", done);
    signal.addEventListener("abort", done, { once: true });
  });
}
