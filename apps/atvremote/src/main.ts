import { exitWhenDone, USAGE_EXIT_CODE, UsageError } from "@atv/cli";
import { HELP, parseRemoteOptions, USAGE } from "./options.js";

async function main(argv: readonly string[]): Promise<number> {
  let options: ReturnType<typeof parseRemoteOptions>;
  try {
    options = parseRemoteOptions(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${USAGE}\natvremote: error: ${error.message}\n`);
    return USAGE_EXIT_CODE;
  }
  if (options.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (options.version) {
    process.stdout.write(`atvremote ${__ATV_VERSION__}\n`);
    return 0;
  }
  // Commands load lazily so that --help and --version stay fast.
  const { runCommands } = await import("./run-commands.js");
  return runCommands(options);
}

main(process.argv.slice(2)).then(
  (code) => exitWhenDone(code),
  (error: unknown) => {
    process.stderr.write(`atvremote: ${error instanceof Error ? error.message : String(error)}\n`);
    exitWhenDone(1);
  },
);
