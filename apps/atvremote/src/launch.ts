// The bin's entry: runs the app's bundle with the compile cache (see @atv/cli).
import { join } from "node:path";
import { launchBundle } from "@atv/cli";

launchBundle(join(__dirname, "main.cjs"));
