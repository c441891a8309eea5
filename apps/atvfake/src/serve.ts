import { protocolName } from "@atv/cli";
import { FakeAppleTV } from "@atv/core/fake";
import type { Protocol } from "@atv/interface";
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
  const device = await FakeAppleTV.start({
    address: options.address,
    mdnsPort: options.mdnsPort,
    name: options.name,
    pin: options.pin,
    profile: options.profile,
    requirePairing: options.requirePairing,
    playDuration: PLAY_DURATION_S,
  });
  // As pyatv's fake_device.py in demo mode; close() stops the cycle.
  device.startNowPlayingCycle(NOW_PLAYING_INTERVAL_MS, { static: options.static });
  device.onEvent((event) => {
    const base = { event: event.kind, protocol: protocolName(event.protocol) };
    switch (event.kind) {
      case "command":
        emit({ ...base, name: event.name });
        return;
      case "button":
        // A held home button is the CLI's home_hold.
        emit({
          ...base,
          name: event.name === "home" && event.action === "hold" ? "home_hold" : event.name,
          action: event.action,
        });
        return;
      case "volume":
        emit({
          ...base,
          level: event.level,
          ...(event.outputDevice !== undefined ? { output_device: event.outputDevice } : {}),
        });
        return;
      case "power":
        emit({ ...base, state: event.on ? "on" : "off" });
        return;
      case "play_url":
        emit({ ...base, url: event.url, position: event.position });
        return;
      case "play_fetched":
        emit({ ...base, url: event.url, bytes: event.bytes, sha256: event.sha256 });
        return;
      case "play_failed":
        emit({ ...base, url: event.url, reason: event.reason });
        return;
      case "play_finished":
        emit({ ...base, url: event.url });
        return;
      case "play_stopped":
        emit(base);
        return;
      case "launch_app":
        emit({ ...base, bundle_id: event.bundleId });
        return;
      case "open_url":
        emit({ ...base, url: event.url });
        return;
      case "switch_account":
        emit({ ...base, account_id: event.accountId });
        return;
    }
  });
  emit({
    event: "ready",
    name: device.name,
    address: device.address,
    mdns_port: device.mdnsPort,
    profile: device.profile,
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
  emit({ event: "stopped" });
  return 0;
}

function emit(event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}
