import { scriptOutput, waitForLine } from "@atv/cli";
import { type App, type FacadeAppleTV, NotSupportedError } from "@atv/core";
import { playingValues } from "./playing-output.js";

type Line = Record<string, unknown>;

/**
 * pyatv's atvscript `push_updates`: prints the power state, the output devices, then a
 * `playing` line per update, and a line when the connection is lost or closed; returns
 * the "finished" line on Enter, at the end of input or once the connection ended.
 */
export async function pushUpdates(
  atv: FacadeAppleTV,
  print: (line: Line) => void,
  input: NodeJS.ReadStream = process.stdin,
): Promise<Line> {
  const ended = new AbortController();
  atv.listener = {
    connectionLost: (error) => {
      print(scriptOutput({ success: false, exception: error, values: { connection: "lost" } }));
      ended.abort();
    },
    connectionClosed: () => {
      print(scriptOutput({ success: true, values: { connection: "closed" } }));
      ended.abort();
    },
  };
  atv.pushUpdater.listener = {
    playstatusUpdate: (_, playing) => {
      print(scriptOutput({ success: true, values: playingValues(playing, appOf(atv)) }));
    },
    playstatusError: (_, error) => {
      // A connection that ends also ends its updates; pyatv's push updater is not told
      // of that, so only the "connection" line is printed for it. Both come in one turn.
      setImmediate(() => {
        if (!ended.signal.aborted) print(scriptOutput({ success: false, exception: error }));
      });
    },
  };
  try {
    atv.pushUpdater.start();
    // Power and output devices are not implemented yet: pyatv prints PowerState.Unknown
    // and an empty list when no protocol knows them.
    print(scriptOutput({ success: true, values: { power_state: "unknown" } }));
    print(scriptOutput({ success: true, values: { output_devices: [] } }));
    await waitForLine(input, ended.signal);
  } finally {
    // pyatv never prints the "closed" of its own close(): it exits before hearing it.
    atv.listener = undefined;
    if (!ended.signal.aborted) atv.pushUpdater.stop();
  }
  return scriptOutput({ success: true, values: { push_updates: "finished" } });
}

/** The app, unless no protocol knows it (as pyatv, which checks FeatureName.App). */
function appOf(atv: FacadeAppleTV): App | undefined {
  try {
    return atv.metadata.app;
  } catch (error) {
    if (error instanceof NotSupportedError) return undefined;
    throw error;
  }
}
