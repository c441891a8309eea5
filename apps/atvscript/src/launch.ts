// The bin's entry: runs the app's bundle with the compile cache (see @atv/cli).
import { fileURLToPath } from "node:url";
import { launchBundle } from "@atv/cli";

launchBundle(fileURLToPath(new URL("./main.cjs", import.meta.url)));
