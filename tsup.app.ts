import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Options } from "tsup";

type Plugin = NonNullable<Options["esbuildPlugins"]>[number];

import { BUNDLE_HEAD, BUNDLE_TAIL } from "./packages/cli/src/bundle-wrapper";
import { lazyModules } from "./scripts/lazy-modules";

// See scripts/stream-buffers-shim.cjs and scripts/long-shim.cjs.
const STREAM_BUFFERS_SHIM = fileURLToPath(
  new URL("./scripts/stream-buffers-shim.cjs", import.meta.url),
);
const LONG_SHIM = fileURLToPath(new URL("./scripts/long-shim.cjs", import.meta.url));
// See scripts/audio-decoders.cjs; the decoders are @atv/raop's dependencies.
const AUDIO_DECODERS = fileURLToPath(new URL("./scripts/audio-decoders.cjs", import.meta.url));
const RAOP_MODULES = fileURLToPath(new URL("./packages/raop/node_modules", import.meta.url));
const DECODER_PACKAGES = [
  "mpg123-decoder",
  "@wasm-audio-decoders/flac",
  "@wasm-audio-decoders/ogg-vorbis",
];

/**
 * Build options for the command-line apps: the app as one CommonJS bundle with our
 * packages inlined (dist/main.cjs), and a small launcher (dist/launch.cjs) that runs it
 * with V8's code cache kept on disk (@atv/cli's runWithCompileCache), so a start does
 * not recompile the bundle. Modules reached only by dynamic import are initialised only
 * when imported, so `--help` runs next to nothing of the bundle. Both are CommonJS, and
 * so is the bin: Node's ES module loader alone costs milliseconds of every start.
 *
 * The bundles are minified, local names included (ATV_NO_MINIFY=1 builds them readable,
 * for profiling): the bundle a start reads shrinks from 1.47 to 0.69 MB and V8's code cache,
 * which holds scope data for every function, shrinks with it; a cold `atvscript playing`
 * starts ~4 ms sooner. Property names, and so error names and messages, stay as written;
 * the source map beside the bundle maps a stack trace's positions back to the sources
 * (with node:module's SourceMap, say). Node's --enable-source-maps does not: it maps only
 * code its own loaders compiled, and the launcher compiles the bundle itself.
 */
export function appBuild(entry: { main: string; launch: string }): Options[] {
  const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
  const shared: Options = {
    target: "node20",
    platform: "node",
    treeshake: true,
    minify: process.env.ATV_NO_MINIFY !== "1",
    noExternal: [/.*/],
    esbuildPlugins: [lazyModules()],
    esbuildOptions(options) {
      options.alias = { ...options.alias, "stream-buffers": STREAM_BUFFERS_SHIM, long: LONG_SHIM };
      // See asciiOnly.
      options.charset = "ascii";
    },
  };
  return [
    {
      ...shared,
      entry: { main: entry.main },
      format: ["cjs"],
      clean: true,
      splitting: false,
      sourcemap: true,
      define: { __ATV_VERSION__: JSON.stringify(pkg.version) },
      esbuildPlugins: [lazyModules(), fromSideBundle("audio-decoders.cjs", DECODER_PACKAGES)],
      onSuccess: async () => {
        asciiOnly("dist/main.cjs");
        wrapBundle("dist/main.cjs");
      },
    },
    {
      ...shared,
      entry: { "audio-decoders": AUDIO_DECODERS },
      format: ["cjs"],
      clean: false,
      splitting: false,
      esbuildOptions(options) {
        shared.esbuildOptions?.(options, { format: "cjs" });
        options.nodePaths = [RAOP_MODULES];
      },
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

/**
 * Makes a bundle pure ASCII, which the launcher reads as Latin-1 (see @atv/cli's
 * compile-cache.ts): V8 then holds it as a one-byte string, read ~2 ms faster and hashed
 * faster than the UTF-16 one a single "→" makes of the whole megabyte. esbuild's ASCII
 * charset escapes strings, regular expressions and names; what it leaves is in comments,
 * where an escape changes nothing.
 */
function asciiOnly(file: string): void {
  const text = readFileSync(file, "utf8");
  const ascii = text.replace(
    /[\u{80}-\u{10ffff}]/gu,
    (char) => `\\u{${(char.codePointAt(0) ?? 0).toString(16)}}`,
  );
  if (ascii !== text) writeFileSync(file, ascii);
}

/**
 * Writes the bundle as the function the launcher runs (see @atv/cli's bundle-wrapper.ts):
 * BUNDLE_HEAD as a line of its own before it, so the source map only moves down a line,
 * and BUNDLE_TAIL before the source map comment, which stays last. A file that is wrapped
 * already is left as it is.
 */
function wrapBundle(file: string): void {
  const text = readFileSync(file, "latin1");
  // A build's onSuccess may run again on its own output (tsup --watch, --out-dir).
  if (text.startsWith(BUNDLE_HEAD)) return;
  const comment = text.lastIndexOf("\n//# sourceMappingURL=");
  const end = comment < 0 ? text.length : comment;
  writeFileSync(
    file,
    `${BUNDLE_HEAD}${text.slice(0, end)}${BUNDLE_TAIL}${text.slice(end)}`,
    "latin1",
  );
  const mapFile = `${file}.map`;
  const map = JSON.parse(readFileSync(mapFile, "utf8")) as { mappings: string };
  map.mappings = `;${map.mappings}`;
  writeFileSync(mapFile, JSON.stringify(map));
}

/**
 * An esbuild plugin for the main bundle: each of `packages` is taken from `file`, a bundle
 * built beside it (dist/), required only when the code first imports one of them.
 */
function fromSideBundle(file: string, packages: readonly string[]): Plugin {
  const names = new Set(packages);
  return {
    name: "atv-side-bundle",
    setup(build) {
      build.onResolve({ filter: /^[@a-z]/ }, (args) =>
        names.has(args.path) ? { path: args.path, namespace: "atv-side-bundle" } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: "atv-side-bundle" }, (args) => ({
        loader: "js",
        contents: `module.exports = require(require("node:path").join(__dirname, ${JSON.stringify(file)}))[${JSON.stringify(args.path)}];`,
      }));
    },
  };
}
