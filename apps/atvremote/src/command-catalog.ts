// Every command atvremote knows, grouped as pyatv's `atvremote commands` lists them, with
// pyatv's descriptions; `help` prints an entry's signature and text.

/** A command: its name, its arguments as `help` shows them, and what it does. */
interface CommandEntry {
  readonly name: string;
  /** Arguments after "=", e.g. "(pos: int)"; " (property)" for a value that is read. */
  readonly signature: string;
  /** One sentence first (listed by `commands`), then any more detail for `help`. */
  readonly help: string;
}

interface CommandGroup {
  readonly title: string;
  readonly commands: readonly CommandEntry[];
}

const PROPERTY = " (property)";
const ACTION = "(action: InputAction = SingleTap)";
const ACTION_HELP = "\n\nAction is 0 or single_tap, 1 or double_tap, 2 or hold.";
const OUTPUT_DEVICES = "(*devices: str)";

const entry = (name: string, signature: string, help: string): CommandEntry => ({
  name,
  signature,
  help,
});
const button = (name: string, help: string) => entry(name, "()", help);
const actionButton = (name: string) => entry(name, ACTION, `Press key ${name}.${ACTION_HELP}`);

/** The groups in the order pyatv lists them. */
export const COMMAND_GROUPS: readonly CommandGroup[] = [
  {
    title: "Remote control",
    commands: [
      actionButton("up"),
      actionButton("down"),
      actionButton("left"),
      actionButton("right"),
      button("play", "Press key play."),
      button("play_pause", "Toggle between play and pause."),
      button("pause", "Press key pause."),
      button("stop", "Press key stop."),
      button("next", "Press key next."),
      button("previous", "Press key previous."),
      actionButton("select"),
      actionButton("menu"),
      button("volume_up", "Press key volume up."),
      button("volume_down", "Press key volume down."),
      actionButton("home"),
      button("home_hold", "Hold key home."),
      button("top_menu", "Go to main menu (long press menu)."),
      button("suspend", "Suspend the device."),
      button("wakeup", "Wake up the device."),
      entry("skip_forward", "(time_interval: float = 0.0)", "Skip forward a time interval."),
      entry("skip_backward", "(time_interval: float = 0.0)", "Skip backward a time interval."),
      entry("set_position", "(pos: int)", "Seek in the current playing media."),
      entry(
        "set_shuffle",
        "(shuffle_state: ShuffleState)",
        "Change shuffle mode to on or off.\n\nShuffle state is 0 or off, 1 or albums, 2 or songs.",
      ),
      entry(
        "set_repeat",
        "(repeat_state: RepeatState)",
        "Change repeat state.\n\nRepeat state is 0 or off, 1 or track, 2 or all.",
      ),
      button("channel_up", "Select next channel."),
      button("channel_down", "Select previous channel."),
      button("screensaver", "Activate screen saver."),
      button("guide", "Show EPG."),
      button("control_center", "Open the control center."),
    ],
  },
  {
    title: "Metadata",
    commands: [
      entry("artwork_id", PROPERTY, "Return a unique identifier for current artwork."),
      entry("playing", "()", "Return what is currently playing."),
      entry("app", PROPERTY, "Return information about current app playing something."),
    ],
  },
  {
    title: "Power",
    commands: [
      entry("power_state", PROPERTY, "Return device power state."),
      entry(
        "turn_on",
        "(await_new_state: bool = False)",
        "Turn device on.\n\nWith turn_on=true, waits until the device says it is on.",
      ),
      entry(
        "turn_off",
        "(await_new_state: bool = False)",
        "Turn device off.\n\nWith turn_off=true, waits until the device says it is off.",
      ),
    ],
  },
  {
    title: "AirPlay",
    commands: [
      entry(
        "play_url",
        "(url: str)",
        "Play media from an URL on the device.\n\nA local file is served from this machine while the device plays it.",
      ),
      entry(
        "stream_file",
        "(path_or_url: str)",
        "Stream a local or remote file to the device.\n\nTakes a file path, an http(s) URL or - for standard input (WAV, MP3, FLAC, Ogg Vorbis).",
      ),
    ],
  },
  {
    title: "Audio",
    commands: [
      entry("volume", PROPERTY, "Return current volume level."),
      entry("set_volume", "(level: float)", "Change current volume level.\n\nLevel is 0-100."),
      button("volume_up", "Increase volume by one step."),
      button("volume_down", "Decrease volume by one step."),
      entry("output_devices", PROPERTY, "Return current list of output device IDs."),
      entry("add_output_devices", OUTPUT_DEVICES, "Add output devices."),
      entry("remove_output_devices", OUTPUT_DEVICES, "Remove output devices."),
      entry("set_output_devices", OUTPUT_DEVICES, "Set output devices."),
    ],
  },
  {
    title: "Keyboard",
    commands: [
      entry("text_focus_state", PROPERTY, "Return keyboard focus state."),
      entry("text_get", "()", "Get current virtual keyboard text."),
      entry("text_clear", "()", "Clear virtual keyboard text."),
      entry("text_append", "(text: str)", "Input text into virtual keyboard."),
      entry("text_set", "(text: str)", "Replace text in virtual keyboard."),
    ],
  },
  {
    title: "Device",
    commands: [
      entry("cli", "()", "Enter commands in a simple CLI."),
      entry(
        "artwork_save",
        "(width: int = None, height: int = None)",
        "Download artwork and save it to artwork.png.\n\nA JPEG is saved as artwork.jpg.",
      ),
      entry("push_updates", "()", "Listen for push updates."),
      entry("device_info", "()", "Print various information about the device."),
      entry(
        "features",
        "()",
        "Print a list of all features and options.\n\n`features all` lists unsupported features too.",
      ),
      entry("delay", "(delay_time: int)", "Sleep for a certain amount if milliseconds."),
    ],
  },
  {
    title: "Apps",
    commands: [
      entry("app_list", "()", "Fetch a list of apps that can be launched."),
      entry("launch_app", "(bundle_id_or_url: str)", "Launch an app based on bundle ID or URL."),
    ],
  },
  {
    title: "User Accounts",
    commands: [
      entry("account_list", "()", "Fetch a list of user accounts that can be switched."),
      entry("switch_account", "(account_id: str)", "Switch user account by account ID."),
    ],
  },
  {
    title: "Global",
    commands: [
      entry("commands", "()", "Print a list with available commands."),
      entry("help", "(command: str)", "Print help text for a command."),
      entry("scan", "()", "Scan for Apple TVs on the network."),
      entry("pair", "()", "Pair pyatv as a remote control with an Apple TV."),
      entry(
        "wizard",
        "()",
        "Wizard to set up a device.\n\nScans, lets you pick a device, pairs every protocol that needs it and saves the credentials.",
      ),
    ],
  },
  {
    title: "Touch",
    commands: [
      entry(
        "swipe",
        "(start_x: int, start_y: int, end_x: int, end_y: int, duration_ms: int)",
        "Generate a swipe gesture.\n\nCoordinates are in range [0,1000].",
      ),
      entry(
        "action",
        "(x: int, y: int, mode: TouchAction)",
        "Generate a touch event to x,y coordinates (in range [0,1000]).\n\nMode is 1 press, 3 hold, 4 release or 5 click.",
      ),
      entry("click", "(action: InputAction)", `Send a touch click.${ACTION_HELP}`),
    ],
  },
  {
    title: "Settings",
    commands: [
      entry("print_settings", "()", "Print current settings."),
      entry("remove_settings", "()", "Remove current settings."),
      entry(
        "change_setting",
        "(setting: str, value: str)",
        "Change value of a setting.\n\nThe setting is named as print_settings prints it, e.g. change_setting=info.name,Den.",
      ),
      entry("unset_setting", "(setting: str)", "Unset a setting (make it None)."),
    ],
  },
];

/** Every command name, once each, sorted (for completion). */
export const COMMAND_NAMES: readonly string[] = [
  ...new Set(COMMAND_GROUPS.flatMap((group) => group.commands.map((c) => c.name))),
].sort();

/** The first sentence of a help text, without its period, as pyatv lists it. */
function summary(help: string): string {
  const end = help.indexOf(".");
  return end < 0 ? help : help.slice(0, end);
}

/** pyatv's `commands` output: each group's commands, sorted, as " - name - summary". */
export function formatCommandList(): string {
  return COMMAND_GROUPS.map((group) => {
    const lines = [...group.commands]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((c) => ` - ${c.name} - ${summary(c.help)}`);
    return `${group.title} commands:\n${lines.join("\n")}\n\n`;
  }).join("");
}

/**
 * pyatv's `help COMMAND` output, once for each group the command is in (volume_up is
 * in two, as in pyatv); undefined for a command that does not exist.
 */
export function formatCommandHelp(name: string): string | undefined {
  const found = COMMAND_GROUPS.flatMap((group) => group.commands).filter((c) => c.name === name);
  if (found.length === 0) return undefined;
  return found.map((c) => `COMMAND:\n>> ${c.name}${c.signature}\n\nHELP:\n${c.help}\n`).join("");
}

/** pyatv's `help COMMAND`: what it prints, and its exit code. */
export function helpCommand(name: string | undefined): { output: string; code: number } {
  if (name === undefined || name === "") {
    return { output: "Which command do you want help with?\n", code: 1 };
  }
  const help = formatCommandHelp(name);
  return help === undefined
    ? { output: `Unknown command: ${name}\n`, code: 1 }
    : { output: help, code: 0 };
}
