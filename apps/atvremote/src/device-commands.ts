import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type CommandCall, parseBooleanArg, parseNumberArg, UsageError } from "@atv/cli";
import {
  enumName,
  type FacadeAppleTV,
  FeatureName,
  FeatureState,
  type OutputDevice,
  PowerState,
  playingStr,
} from "@atv/core";
import { streamProgress } from "./stream-progress.js";

/** What a command prints ("" for nothing) and its exit code. */
export interface CommandResult {
  readonly output: string;
  readonly code: number;
}

/** Where a command runs: the device, and the directory files are written to. */
export interface CommandContext {
  readonly atv: FacadeAppleTV;
  readonly cwd: string;
}

type DeviceCommand = (context: CommandContext, args: readonly string[]) => Promise<CommandResult>;

const done = (output = ""): CommandResult => ({ output, code: 0 });

/**
 * atvremote's commands beyond the remote-control buttons, and what each prints, in
 * pyatv's layout. Audio's volume_up/volume_down are here because pyatv runs the Audio
 * ones before RemoteControl's.
 */
const DEVICE_COMMANDS: Record<string, DeviceCommand> = {
  playing: async ({ atv }) => done(playingStr(await atv.metadata.playing())),
  // pyatv prints App's str, and nothing at all when there is no app (its _pretty_print).
  app: async ({ atv }) => {
    const app = atv.metadata.app;
    return done(app ? `App: ${app.name ?? "None"} (${app.identifier})` : "");
  },
  artwork_id: async ({ atv }) => done(atv.metadata.artworkId ?? ""),
  artwork_save: async ({ atv, cwd }, args) => {
    const [width, height] = args.map((arg) => parseNumberArg(arg, "artwork_save", { min: 1 }));
    const artwork = await atv.metadata.artwork({
      ...(width !== undefined ? { width } : {}),
      ...(height !== undefined ? { height } : {}),
    });
    if (artwork === undefined) return { output: "No artwork is currently available.", code: 1 };
    // pyatv always writes artwork.png; the extension here follows the image's type.
    const file = join(cwd, `artwork.${/jpe?g/i.test(artwork.mimetype ?? "") ? "jpg" : "png"}`);
    await writeFile(file, artwork.bytes);
    return done();
  },
  volume: async ({ atv }) => done(pythonFloat(atv.audio.volume)),
  set_volume: async ({ atv }, args) => {
    const [first] = args;
    if (first === undefined) throw new UsageError("set_volume needs a level, e.g. set_volume=50");
    await atv.audio.setVolume(parseNumberArg(first, "set_volume", { min: 0 }));
    return done();
  },
  volume_up: async ({ atv }) => {
    await atv.audio.volumeUp();
    return done();
  },
  volume_down: async ({ atv }) => {
    await atv.audio.volumeDown();
    return done();
  },
  output_devices: async ({ atv }) => done(atv.audio.outputDevices.map(outputDeviceStr).join(", ")),
  add_output_devices: async ({ atv }, args) => {
    await atv.audio.addOutputDevices(args);
    return done();
  },
  remove_output_devices: async ({ atv }, args) => {
    await atv.audio.removeOutputDevices(args);
    return done();
  },
  set_output_devices: async ({ atv }, args) => {
    await atv.audio.setOutputDevices(args);
    return done();
  },
  // A URL may hold commas, which split arguments: they are joined back. A local file is
  // served from here for as long as the device reads it; the command ends with the media.
  play_url: async ({ atv }, args) => {
    const url = args.join(",");
    if (url === "") throw new UsageError("play_url needs a URL or a file, e.g. play_url=URL");
    await atv.stream.playUrl(url);
    return done();
  },
  // Audio from a file, an http(s) URL or "-" (standard input), streamed over RAOP; the
  // command ends when it has been played, with its progress shown meanwhile.
  stream_file: async ({ atv }, args) => {
    const source = args.join(",");
    if (source === "") {
      throw new UsageError("stream_file needs a file, a URL or - for standard input");
    }
    const progress = streamProgress(process.stdout);
    try {
      await atv.stream.streamFile(source, { onProgress: progress.onProgress });
    } finally {
      progress.end();
    }
    return done();
  },
  // pyatv's layout: each "App: <name> (<bundle id>)", joined by ", " on one line.
  app_list: async ({ atv }) =>
    done(
      (await atv.apps.appList())
        .map((app) => `App: ${app.name ?? "None"} (${app.identifier})`)
        .join(", "),
    ),
  launch_app: async ({ atv }, args) => {
    const target = args.join(",");
    if (target === "") throw new UsageError("launch_app needs a bundle id or a URL");
    await atv.apps.launchApp(target);
    return done();
  },
  // pyatv's layout: each "Account: <name> (<id>)", joined by ", ".
  account_list: async ({ atv }) =>
    done(
      (await atv.userAccounts.accountList())
        .map((account) => `Account: ${account.name} (${account.identifier})`)
        .join(", "),
    ),
  switch_account: async ({ atv }, args) => {
    const [id] = args;
    if (id === undefined || id === "") throw new UsageError("switch_account needs an account id");
    await atv.userAccounts.switchAccount(id);
    return done();
  },
  power_state: async ({ atv }) =>
    done(`PowerState.${enumName(PowerState, atv.power.powerState) ?? "Unknown"}`),
  turn_on: async ({ atv }, args) => {
    await atv.power.turnOn({ awaitNewState: parseBooleanArg(args[0]) });
    return done();
  },
  turn_off: async ({ atv }, args) => {
    await atv.power.turnOff({ awaitNewState: parseBooleanArg(args[0]) });
    return done();
  },
  features: async ({ atv }, args) => done(featureList(atv, args[0] === "all")),
  device_info: async ({ atv }) =>
    done(`Model/SW: ${atv.config.deviceInfo}\n     MAC: ${atv.config.deviceInfo.mac ?? "None"}`),
};

export function isDeviceCommand(name: string): boolean {
  return Object.hasOwn(DEVICE_COMMANDS, name);
}

/** Runs one of the commands above. */
export async function runDeviceCommand(
  context: CommandContext,
  call: CommandCall,
): Promise<CommandResult> {
  const command = DEVICE_COMMANDS[call.name];
  if (command === undefined) throw new UsageError(`unknown command: ${call.name}`);
  return command(context, call.args);
}

/** pyatv's `features` listing: each feature's state, then the legend. */
function featureList(atv: FacadeAppleTV, includeUnsupported: boolean): string {
  const lines = ["Feature list:", "-------------"];
  for (const [name, info] of atv.features.allFeatures(includeUnsupported)) {
    let line = `${enumName(FeatureName, name)}: ${enumName(FeatureState, info.state)}`;
    const options = Object.entries(info.options ?? {}).map(([k, v]) => `${k}=${String(v)}`);
    if (options.length > 0) line += `, Options=${options.join(", ")}`;
    lines.push(line);
  }
  lines.push(
    "",
    "Legend:",
    "-------",
    "Available: Supported by device and usable now",
    "Unavailable: Supported by device but not usable now",
    "Unknown: Supported by the device but availability not known",
    "Unsupported: Not supported by this device (or by pyatv)",
  );
  return lines.join("\n");
}

function outputDeviceStr(device: OutputDevice): string {
  return `Device: ${device.name ?? "None"} (${device.identifier})`;
}

/** A level as Python prints a float: 50.0, 12.5. */
function pythonFloat(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}
