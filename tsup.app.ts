import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Options } from "tsup";

// See scripts/stream-buffers-shim.cjs.
const STREAM_BUFFERS_SHIM = fileURLToPath(
  new URL("./scripts/stream-buffers-shim.cjs", import.meta.url),
);

/**
 * Build options for the command-line apps: the app as one CommonJS bundle with our
 * packages inlined (dist/main.cjs), and a small launcher (dist/launch.cjs) that runs it
 * with V8's code cache kept on disk (@atv/cli's runWithCompileCache), so a start does
 * not recompile the bundle. Modules reached only by dynamic import are initialised only
 * when imported, so `--help` runs next to nothing of the bundle. Both are CommonJS, and
 * so is the bin: Node's ES module loader alone costs milliseconds of every start.
 */
export function appBuild(entry: { main: string; launch: string }): Options[] {
  const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
  const shared: Options = {
    target: "node20",
    platform: "node",
    treeshake: true,
    minify: false,
    noExternal: [/.*/],
    esbuildOptions(options) {
      options.alias = { ...options.alias, "stream-buffers": STREAM_BUFFERS_SHIM };
    },
  };
  return [
    {
      ...shared,
      entry: { main: entry.main },
      format: ["cjs"],
      clean: true,
      splitting: false,
      define: { __ATV_VERSION__: JSON.stringify(pkg.version) },
    },
    {
      ...shared,
      entry: { launch: entry.launch },
      format: ["cjs"],
      clean: false,
      splitting: false,
    },
  ];
}
