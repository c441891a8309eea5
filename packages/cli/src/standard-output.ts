import { writeSync } from "node:fs";

/** Set once a write has gone through process.stdout: later ones must queue behind it. */
let throughStream = false;

/**
 * Writes to file descriptor 1 directly. Creating process.stdout (a stream, and for a pipe a
 * socket with its handle) costs a cold start about a millisecond, more than a --help costs
 * in all. Whatever the descriptor refuses (EAGAIN on a non-blocking pipe, say) goes through
 * process.stdout after all, and so does every later write, so that none overtakes text
 * still queued in the stream.
 */
export function writeStandardOutput(text: string): void {
  if (throughStream) {
    process.stdout.write(text);
    return;
  }
  const bytes = Buffer.from(text);
  let written = 0;
  try {
    while (written < bytes.length) written += writeSync(1, bytes, written);
  } catch {
    throughStream = true;
    process.stdout.write(bytes.subarray(written));
  }
}
