import { protocolName } from "@atv/cli";
import type { FakeDeviceEvent } from "@atv/core/fake";

/** A JSON line's fields: the event, the protocol it came over, then its own fields. */
export type EventLine = { event: string; protocol: string } & Record<string, unknown>;

/** The line atvfake prints for something a client did to the fake. */
export function eventLine(event: FakeDeviceEvent): EventLine {
  return { event: event.kind, protocol: protocolName(event.protocol), ...fieldsOf(event) };
}

function fieldsOf(event: FakeDeviceEvent): Record<string, unknown> {
  switch (event.kind) {
    case "command":
      // DMAP's commands carry their value (a position, a shuffle or repeat state).
      return { name: event.name, ...("value" in event ? { value: event.value } : {}) };
    case "media_control":
      return { name: event.name };
    case "button":
      // MRP tells the input action a press made; Companion each press and release.
      if ("state" in event) return { name: event.name, state: event.state };
      // A held home button is the CLI's home_hold.
      return {
        name: event.name === "home" && event.action === "hold" ? "home_hold" : event.name,
        action: event.action,
      };
    case "volume":
      return {
        level: event.level,
        ...("percent" in event ? { percent: event.percent } : {}),
        ...("outputDevice" in event && event.outputDevice !== undefined
          ? { output_device: event.outputDevice }
          : {}),
      };
    case "power":
      return { state: event.on ? "on" : "off" };
    case "touch":
      return { x: event.touch.x, y: event.touch.y, phase: event.touch.phase };
    case "play_url":
      return { url: event.url, position: event.position };
    case "play_fetched":
      return { url: event.url, bytes: event.bytes, sha256: event.sha256 };
    case "play_failed":
      return { url: event.url, reason: event.reason };
    case "play_finished":
    case "open_url":
      return { url: event.url };
    case "play_stopped":
      return {};
    case "launch_app":
      return { bundle_id: event.bundleId };
    case "switch_account":
      return { account_id: event.accountId };
    case "text":
      return { text: event.text };
    case "keyboard_focus":
      return { focused: event.focused };
    case "stream_start":
      return { format: event.format, version: event.version };
    case "stream_end":
      return {
        frames: event.frames,
        sha256: event.sha256,
        format: event.format,
        version: event.version,
        bad_packets: event.badPackets,
      };
    case "metadata":
      return {
        ...(event.title !== undefined ? { title: event.title } : {}),
        ...(event.artist !== undefined ? { artist: event.artist } : {}),
        ...(event.album !== undefined ? { album: event.album } : {}),
      };
    case "artwork":
      return { mimetype: event.mimetype, length: event.length };
    case "progress":
      return { start: event.start, current: event.current, end: event.end };
    case "retransmit_request":
      return { seqno: event.seqno, count: event.count };
    case "login":
      return { method: event.method };
    case "paired":
      return { pairing_guid: event.pairingGuid, remote_name: event.remoteName };
    case "pairing_failed":
      return { service: event.service, reason: event.reason };
  }
}
