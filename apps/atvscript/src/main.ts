import { exitWhenDone, USAGE_EXIT_CODE, UsageError } from "@atv/cli";
import { HELP, parseScriptOptions, USAGE } from "./options.js";

async function main(argv: readonly string[]): Promise<number> {
  let options: ReturnType<typeof parseScriptOptions>;
  try {
    options = parseScriptOptions(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${USAGE}\natvscript: error: ${error.message}\n`);
    return USAGE_EXIT_CODE;
  }
  if (options.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (options.version) {
    process.stdout.write(`atvscript ${__ATV_VERSION__}\n`);
    return 0;
  }
  const { runCommand } = await import("./run-command.js");
  return runCommand(options);
}

main(process.argv.slice(2)).then(
  (code) => exitWhenDone(code),
  (error: unknown) => {
    process.stderr.write(`atvscript: ${error instanceof Error ? error.message : String(error)}\n`);
    exitWhenDone(1);
  },
);
