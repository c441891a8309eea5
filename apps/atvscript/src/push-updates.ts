import { scriptOutput, waitForLine } from "@atv/cli";
import {
  type App,
  type ConnectDeviceOptions,
  type FacadeAppleTV,
  KeyboardFocusState,
  NotSupportedError,
  type OutputDevice,
  PowerState,
} from "@atv/core";
import { lowerName } from "./device-commands.js";
import { playingValues } from "./playing-output.js";

type Line = Record<string, unknown>;

/**
 * pyatv's atvscript `push_updates`: prints the power state, the output devices, then a
 * `playing` line per update, and a line when the connection is lost or closed; returns
 * the "finished" line on Enter, at the end of input or once the connection ended.
 *
 * Unlike pyatv, it reconnects by default (`reconnect`; false for pyatv's behaviour): a
 * lost connection prints pyatv's line, `{"result": "failure", ..., "connection": "lost"}`;
 * when the device is back, `{"result": "success", ..., "connection": "reconnected"}`
 * follows, then the power state and output devices again and the updates. If
 * reconnection gives up, "finished" follows the "lost" line, as without reconnection.
 */
export async function pushUpdates(
  atv: FacadeAppleTV,
  print: (line: Line) => void,
  input: NodeJS.ReadStream = process.stdin,
  reconnect: ConnectDeviceOptions["reconnect"] = true,
): Promise<Line> {
  const ended = new AbortController();
  // True from a loss until the device is back: one "lost" line per loss.
  let away = false;
  const printLost = (error: Error) =>
    print(scriptOutput({ success: false, exception: error, values: { connection: "lost" } }));
  atv.reconnect = reconnect ?? false;
  atv.listener = {
    connectionLost: (error) => {
      if (!away) printLost(error);
      ended.abort();
    },
    connectionClosed: () => {
      print(scriptOutput({ success: true, values: { connection: "closed" } }));
      ended.abort();
    },
    reconnecting: (_attempt, _delayMs, error) => {
      if (away) return;
      away = true;
      printLost(error);
    },
    reconnected: () => {
      away = false;
      print(scriptOutput({ success: true, values: { connection: "reconnected" } }));
      printState();
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
        if (!ended.signal.aborted && !away) {
          print(scriptOutput({ success: false, exception: error }));
        }
      });
    },
  };
  const printDevices = (devices: readonly OutputDevice[]) =>
    print(
      scriptOutput({
        success: true,
        values: {
          output_devices: devices.map((d) => ({ name: d.name ?? null, identifier: d.identifier })),
        },
      }),
    );
  atv.power.listener = {
    powerstateUpdate: (_, state) =>
      print(scriptOutput({ success: true, values: { power_state: lowerName(PowerState, state) } })),
  };
  // pyatv's KeyboardPrinter: a line each time a text field gains or loses focus.
  atv.keyboard.listener = {
    focusstateUpdate: (_, state) =>
      print(
        scriptOutput({
          success: true,
          values: { focus_state: lowerName(KeyboardFocusState, state) },
        }),
      ),
  };
  atv.audio.listener = {
    volumeUpdate: (_, level) => print(scriptOutput({ success: true, values: { volume: level } })),
    volumeDeviceUpdate: (device, oldLevel, newLevel) =>
      print(
        scriptOutput({
          success: true,
          values: {
            output_device_id: device.identifier,
            old_level: oldLevel,
            new_level: newLevel,
          },
        }),
      ),
    outputdevicesUpdate: (_, devices) => printDevices(devices),
  };
  function printState(): void {
    print(
      scriptOutput({ success: true, values: { power_state: lowerName(PowerState, powerOf(atv)) } }),
    );
    printDevices(outputDevicesOf(atv));
  }
  try {
    atv.pushUpdater.start();
    printState();
    await waitForLine(input, ended.signal);
  } finally {
    // pyatv never prints the "closed" of its own close(): it exits before hearing it.
    atv.listener = undefined;
    atv.power.listener = undefined;
    atv.audio.listener = undefined;
    atv.keyboard.listener = undefined;
    if (!ended.signal.aborted) atv.pushUpdater.stop();
  }
  return scriptOutput({ success: true, values: { push_updates: "finished" } });
}

/** Unknown when no protocol knows the power state (as pyatv's facade then reports). */
function powerOf(atv: FacadeAppleTV): PowerState {
  return unlessUnsupported(() => atv.power.powerState, PowerState.Unknown);
}

function outputDevicesOf(atv: FacadeAppleTV): readonly OutputDevice[] {
  return unlessUnsupported(() => atv.audio.outputDevices, []);
}

function unlessUnsupported<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof NotSupportedError) return fallback;
    throw error;
  }
}

/** The app, unless no protocol knows it (as pyatv, which checks FeatureName.App). */
export function appOf(atv: FacadeAppleTV): App | undefined {
  return unlessUnsupported(() => atv.metadata.app, undefined);
}
