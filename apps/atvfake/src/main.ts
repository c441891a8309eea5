import { USAGE_EXIT_CODE, UsageError } from "@atv/cli";
import { HELP, parseFakeOptions, USAGE } from "./options.js";

async function main(argv: readonly string[]): Promise<number> {
  let options: ReturnType<typeof parseFakeOptions>;
  try {
    options = parseFakeOptions(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${USAGE}\natvfake: error: ${error.message}\n`);
    return USAGE_EXIT_CODE;
  }
  if (options.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (options.version) {
    process.stdout.write(`atvfake ${__ATV_VERSION__}\n`);
    return 0;
  }
  const { serve } = await import("./serve.js");
  return serve(options);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`atvfake: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
