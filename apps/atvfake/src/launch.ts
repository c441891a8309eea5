// The bin's entry: runs the app's bundle with the compile cache (see @atv/cli).
import { join } from "node:path";
import { launchBundle } from "@atv/cli";

// Its own require, which resolves as one made for main.cjs beside it would.
launchBundle(join(__dirname, "main.cjs"), process.env, {}, require);
