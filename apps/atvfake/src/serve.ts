import { join } from "node:path";
import { protocolName } from "@atv/cli";
import { FakeAppleTV, fakeIdentity } from "@atv/core/fake";
import { homeDirectory, type Protocol } from "@atv/interface";
import { eventLine } from "./event-line.js";
import { EventOutput } from "./event-output.js";
import type { FakeOptions } from "./options.js";

/** How long each state of the now-playing cycle lasts (pyatv's fake_device.py). */
const NOW_PLAYING_INTERVAL_MS = 3000;
/** How long a URL "plays" on the fake: long enough to watch, short enough for a demo. */
const PLAY_DURATION_S = 2;

/** Serves until SIGINT or SIGTERM; one JSON line per event on standard output. */
export async function serve(options: FakeOptions): Promise<number> {
  // Listen for the signals before saying "ready": whoever reads that line may signal at once.
  const stopRequested = new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  const output = new EventOutput();
  const device = await FakeAppleTV.start({
    address: options.address,
    mdnsPort: options.mdnsPort,
    ports: options.ports,
    name: options.name,
    pin: options.pin,
    profile: options.profile,
    requirePairing: options.requirePairing,
    stateFile: options.stateFile ?? defaultStateFile(options),
    playDuration: PLAY_DURATION_S,
  });
  // As pyatv's fake_device.py in demo mode; close() stops the cycle.
  device.startNowPlayingCycle(NOW_PLAYING_INTERVAL_MS, { static: options.static });
  device.onEvent((event) => output.emit(eventLine(event)));
  output.emit({
    event: "ready",
    name: device.name,
    address: device.address,
    mdns_port: device.mdnsPort,
    profile: device.profile,
    state_file: options.stateFile ?? defaultStateFile(options),
    identifier: device.identifier,
    identifiers: Object.fromEntries(
      Object.entries(device.identifiers).map(([p, id]) => [
        protocolName(Number(p) as Protocol),
        id,
      ]),
    ),
    services: device.services.map((s) => ({ protocol: protocolName(s.protocol), port: s.port })),
  });

  await stopRequested;
  await device.close();
  output.emit({ event: "stopped" });
  return 0;
}

/**
 * Where a device keeps its state unless told: the user's state directory (XDG), one file
 * per simulated device, named by its MAC address (stable for a name, profile and address).
 */
function defaultStateFile(options: FakeOptions): string {
  const base = process.env.XDG_STATE_HOME || join(homeDirectory(), ".local", "state");
  const { mac } = fakeIdentity(options.profile, options.address, options.name);
  return join(base, "atvfake", `${mac.replaceAll(":", "")}.json`);
}
