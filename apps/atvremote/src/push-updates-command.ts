import { waitForLine } from "@atv/cli";
import { type FacadeAppleTV, NotSupportedError, playingStr } from "@atv/core";

/** Resolves when the user asks to stop (Enter), or when `signal` aborts (Ctrl-C). */
export type StopWait = (signal: AbortSignal) => Promise<void>;

/**
 * pyatv's atvremote `push_updates`: prints what is playing each time it changes, each
 * followed by a line of dashes, until Enter, the end of input or Ctrl-C.
 */
export async function pushUpdatesCommand(
  atv: FacadeAppleTV,
  write: (text: string) => void,
  waitForStop: StopWait = (signal) => waitForLine(process.stdin, signal),
): Promise<number> {
  atv.pushUpdater.listener = {
    playstatusUpdate: (_, playing) => write(`${playingStr(playing)}\n${"-".repeat(20)}\n`),
    playstatusError: (_, error) => write(`An error occurred (restarting): ${error.message}\n`),
  };
  write("Press ENTER to stop\n");
  try {
    atv.pushUpdater.start();
  } catch (error) {
    if (!(error instanceof NotSupportedError)) throw error;
    write("Push updates are not supported (no protocol supports it)\n");
    return 1;
  }
  const interrupted = new AbortController();
  const onInterrupt = () => interrupted.abort();
  process.once("SIGINT", onInterrupt);
  try {
    await waitForStop(interrupted.signal);
  } finally {
    process.off("SIGINT", onInterrupt);
    atv.pushUpdater.stop();
  }
  return 0;
}
