import { readFileSync } from "node:fs";
import type { Options } from "tsup";

/**
 * Build options for the command-line apps: one ESM bundle with our packages inlined and
 * code split at dynamic imports, so a command loads only what it needs and `--help`
 * loads next to nothing.
 */
export function appBuild(entry: Record<string, string>): Options {
  const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
  return {
    entry,
    format: ["esm"],
    clean: true,
    target: "node20",
    platform: "node",
    splitting: true,
    treeshake: true,
    minify: false,
    noExternal: [/.*/],
    define: { __ATV_VERSION__: JSON.stringify(pkg.version) },
    // Bundled CommonJS dependencies (dns-packet) call require() for Node built-ins.
    banner: {
      js: 'import { createRequire as __atvCreateRequire } from "node:module"; const require = __atvCreateRequire(import.meta.url);',
    },
  };
}
