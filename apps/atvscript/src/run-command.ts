import { appendFileSync } from "node:fs";
import {
  isRemoteControlCommand,
  markRunIncomplete,
  openStorage,
  parseCommandCall,
  protocolName,
  pythonJson,
  runRemoteControlCommand,
  scriptOutput,
  streamLogger,
  writeStandardOutput,
} from "@atv/cli";
import {
  type AppleTV,
  connect,
  DeviceModel,
  enumName,
  type Logger,
  OperatingSystem,
  type Storage,
  scan,
} from "@atv/core";
import { isScriptDeviceCommand, runScriptDeviceCommand } from "./device-commands.js";
import type { ScriptOptions } from "./options.js";
import { playingValues } from "./playing-output.js";
import { appOf, pushUpdates } from "./push-updates.js";

/**
 * Runs one command and prints one JSON line for it, as pyatv's atvscript does; failures
 * are printed as a "failure" line too (exit code 0), so scripts only parse JSON. The
 * storage gives credentials of paired devices and keeps settings, as pyatv's.
 */
export async function runCommand(options: ScriptOptions): Promise<number> {
  let result: Record<string, unknown>;
  try {
    const { storage } = await openStorage(options.storage);
    try {
      result = await dispatch(options, storage);
    } finally {
      await storage.save();
    }
  } catch (error) {
    result = scriptOutput({ success: false, exception: error });
  }
  // The exit code stays 0 (as pyatv's): tell the compile cache that this run failed.
  if (result.result !== "success") markRunIncomplete();
  printLine(result);
  return 0;
}

/** One line as pyatv prints it (json.dumps), so scripts matching its text keep working. */
function printLine(line: Record<string, unknown>): void {
  writeStandardOutput(`${pythonJson(line)}\n`);
}

async function dispatch(
  options: ScriptOptions,
  storage: Storage,
): Promise<Record<string, unknown>> {
  if (options.command === "scan") return scanDevices(options, storage);
  const call = parseCommandCall(options.command ?? "");
  const command = call.name;
  const isPlaying = command === "playing";
  const isPushUpdates = command === "push_updates";
  const isDeviceCommand = isScriptDeviceCommand(command);
  if (!isPlaying && !isPushUpdates && !isDeviceCommand && !isRemoteControlCommand(command)) {
    return scriptOutput({ success: false, error: "unsupported_command" });
  }
  const [device] = await scan({
    ...scanOptions(options, options.id),
    protocol: options.scanProtocols ?? options.protocol,
    storage,
  });
  if (!device) return scriptOutput({ success: false, error: "device_not_found" });
  for (const [protocol, credentials] of options.credentials) {
    const service = device.getService(protocol);
    if (service) service.credentials = credentials;
  }
  const atv = await connect(device, { storage });
  try {
    if (isPlaying) {
      const playing = await atv.metadata.playing();
      return scriptOutput({ success: true, values: playingValues(playing, appOf(atv)) });
    }
    if (isPushUpdates) return await pushUpdates(atv, printLine);
    if (isDeviceCommand) {
      return scriptOutput({ success: true, values: await runScriptDeviceCommand(atv, call) });
    }
    await runRemoteControlCommand(atv.remoteControl, call);
    return scriptOutput({ success: true, values: { command } });
  } finally {
    await atv.close();
  }
}

async function scanDevices(
  options: ScriptOptions,
  storage: Storage,
): Promise<Record<string, unknown>> {
  const devices = await scan({ ...scanOptions(options, undefined), storage });
  return scriptOutput({ success: true, values: { devices: devices.map(deviceJson) } });
}

function scanOptions(options: ScriptOptions, identifier: string[] | undefined) {
  return {
    hosts: options.scanHosts,
    identifier,
    // pyatv's scan command ignores --protocol; --scan-protocols is ours, for both.
    protocol: options.scanProtocols,
    timeout: options.scanTimeout * 1000,
    mdnsPort: options.mdnsPort,
    logger: options.debug ? fileLogger() : undefined,
  };
}

/** One device in pyatv's atvscript scan layout. */
export function deviceJson(device: AppleTV): Record<string, unknown> {
  const info = device.deviceInfo;
  return {
    name: device.name,
    address: device.address,
    identifier: device.identifier ?? null,
    all_identifiers: device.allIdentifiers,
    device_info: {
      mac: info.mac ?? null,
      model: enumName(DeviceModel, info.model),
      model_str: info.modelStr,
      operating_system: enumName(OperatingSystem, info.operatingSystem),
      version: info.version ?? null,
    },
    services: device.services.map((s) => ({ protocol: protocolName(s.protocol), port: s.port })),
  };
}

/** --debug writes to atvscript.log, so standard output stays pure JSON (as pyatv). */
function fileLogger(): Logger {
  return streamLogger("atvscript", (line) => appendFileSync("atvscript.log", line));
}
