// The bin's entry: runs the app's bundle with the compile cache (see @atv/cli). The options
// are parsed here first, which costs little: a --help is answered without reading the
// bundle, and each command keeps a compile cache of its own. A command line that does not
// parse goes to the bundle, which reports errors in one place; so does --version, whose
// text the bundle's build inlines.
import { join } from "node:path";
import { launchBundle } from "@atv/cli";
import { HELP, parseScriptOptions } from "./options.js";

function plan(argv: readonly string[]) {
  try {
    const options = parseScriptOptions(argv);
    if (options.help) return { answer: HELP };
    if (options.version) return {};
    // `launch_app=A` and `launch_app=B` run the same code: the name before "=" is enough.
    return { variant: `run-${options.command?.split("=")[0] ?? ""}` };
  } catch {
    return {};
  }
}

// Its own require, which resolves as one made for main.cjs beside it would.
launchBundle(join(__dirname, "main.cjs"), process.env, plan(process.argv.slice(2)), require);
