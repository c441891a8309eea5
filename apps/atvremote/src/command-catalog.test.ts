import { describe, expect, it } from "vitest";
import {
  COMMAND_GROUPS,
  formatCommandHelp,
  formatCommandList,
  helpCommand,
} from "./command-catalog.js";
import { isSessionCommand } from "./session-command.js";

describe("command catalog", () => {
  it("lists each group as pyatv's `commands` does", () => {
    const list = formatCommandList();
    expect(
      list.startsWith("Remote control commands:\n - channel_down - Select previous channel\n"),
    ).toBe(true);
    expect(list).toContain(
      "\n\nSettings commands:\n - change_setting - Change value of a setting\n",
    );
    expect(list).toContain(" - delay - Sleep for a certain amount if milliseconds\n");
    expect(list.endsWith("\n\n")).toBe(true);
  });

  it("describes only commands atvremote runs", () => {
    const global = new Set(["commands", "help", "scan", "pair", "wizard"]);
    for (const group of COMMAND_GROUPS) {
      for (const { name } of group.commands) {
        expect(global.has(name) || isSessionCommand(name), name).toBe(true);
      }
    }
  });

  it("prints help as pyatv's `help COMMAND`", () => {
    expect(formatCommandHelp("set_position")).toBe(
      "COMMAND:\n>> set_position(pos: int)\n\nHELP:\nSeek in the current playing media.\n",
    );
    expect(helpCommand("teleport")).toEqual({ output: "Unknown command: teleport\n", code: 1 });
    expect(helpCommand(undefined).code).toBe(1);
  });
});
