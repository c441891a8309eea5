import { type LineReader, UsageError } from "@atv/cli";
import { COMMAND_NAMES, formatCommandList, helpCommand } from "./command-catalog.js";

/** Commands that make no sense inside the shell (pyatv: "Command not available here"). */
const NOT_HERE = new Set(["cli", "scan", "pair", "wizard"]);

/**
 * pyatv's `cli`: reads commands at a prompt and runs each on the open connection until
 * `exit` or the end of input. A failing command is reported and the shell goes on.
 */
export async function runShell(
  lines: LineReader,
  run: (text: string) => Promise<number>,
  write: (text: string) => void,
): Promise<number> {
  write("Enter commands and press enter\nType help for help and exit to quit\n");
  for (;;) {
    const line = await lines.question("pyatv> ");
    if (line === undefined || line.toLowerCase() === "exit") return 0;
    if (line === "") continue;
    const [name = "", argument] = line.split(/[\s=]+/, 2);
    if (name === "help" || name === "commands") {
      write(argument === undefined ? formatCommandList() : helpCommand(argument).output);
      continue;
    }
    if (NOT_HERE.has(name)) {
      write("Command not available here\n");
      continue;
    }
    try {
      await run(line);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      write(`${error.message}\n`);
    }
  }
}

/** Tab completion of command names (readline's completer). */
export function completeCommand(line: string): [string[], string] {
  if (/[\s=]/.test(line)) return [[], line];
  const hits = COMMAND_NAMES.filter((name) => name.startsWith(line));
  return [hits.length > 0 ? hits : [...COMMAND_NAMES], line];
}
