import type { Options } from "tsup";

/** Build options every library package shares: ESM + CJS + declarations, one file per entry. */
export function libraryBuild(entry: Record<string, string>): Options {
  return {
    entry,
    format: ["esm", "cjs"],
    dts: true,
    clean: true,
    sourcemap: true,
    target: "node20",
    platform: "node",
    splitting: false,
    treeshake: true,
  };
}
