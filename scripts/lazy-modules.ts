import { builtinModules, createRequire } from "node:module";
import { join } from "node:path";
import type { Options } from "tsup";

type Plugin = NonNullable<Options["esbuildPlugins"]>[number];

/**
 * Node's own modules that the CLIs load only when a command uses them. Node's start has
 * not loaded these, so each costs compiling its source (http brings seven more, crypto
 * sixteen, net and stream a dozen): ~10 ms of a cold `playing` that needs none of http,
 * readline, assert or, over MRP without credentials, crypto, and ~3 ms of a `--help` that
 * needs no sockets at all. Modules Node's start already holds (fs, path, events,
 * buffer, url, util) stay plain requires.
 */
const LAZY_BUILTINS = new Set([
  "assert",
  "child_process",
  "crypto",
  "dgram",
  "diagnostics_channel",
  "dns",
  "dns/promises",
  "fs/promises",
  "http",
  "https",
  // The public module: it brings Node's ES module loader with it (~1.4 ms).
  "module",
  "net",
  "os",
  "perf_hooks",
  "readline",
  "stream",
  "stream/promises",
  "string_decoder",
  "timers/promises",
  "tls",
  "tty",
  "vm",
  "zlib",
]);

/**
 * Packages whose loading does work a command rarely needs: fast-srp-hap computes its SRP
 * groups (big-integer parsing, ~2–7 ms) as it loads, and only pairing uses them.
 */
const LAZY_PACKAGES = new Set(["fast-srp-hap"]);

const NAMESPACE = "atv-lazy";

interface Real {
  /** What the stand-in requires. */
  request: string;
  /** Where to load it from at build time, to learn its export names. */
  from: string;
}

/**
 * An esbuild plugin for the app bundles: an import of a module above becomes a stand-in
 * whose properties load the real module on first access (read through its prototype, so
 * `import { x }`, `import * as m` and default imports all work, and a class or function
 * read from it is the real one); a module that is a function (assert) becomes a function
 * that calls it.
 * esbuild hoists every require of a bundle to where the bundle starts; this moves each
 * to where the code first uses it.
 */
export function lazyModules(): Plugin {
  return {
    name: "atv-lazy-modules",
    setup(build) {
      build.onResolve({ filter: /^(node:)?[a-z_/-]+$/ }, async (args) => {
        if (args.pluginData === NAMESPACE) return undefined;
        const name = args.path.replace(/^node:/, "");
        if (LAZY_BUILTINS.has(name) && builtinModules.includes(name)) {
          // The stand-in's own require of the real thing stays a require.
          if (args.namespace === NAMESPACE) return { path: `node:${name}`, external: true };
          const real: Real = { request: `node:${name}`, from: import.meta.url };
          return { path: name, namespace: NAMESPACE, pluginData: real };
        }
        if (!LAZY_PACKAGES.has(name)) return undefined;
        // The stand-in's require is resolved and bundled as usual.
        if (args.namespace === NAMESPACE) {
          return build.resolve(args.path, {
            kind: args.kind,
            resolveDir: args.resolveDir,
            pluginData: NAMESPACE,
          });
        }
        const real: Real = { request: name, from: join(args.resolveDir, "index.js") };
        return { path: name, namespace: NAMESPACE, pluginData: real };
      });
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => {
        const { request, from } = args.pluginData as Real;
        const real: unknown = createRequire(from)(request);
        const load = [
          "let loaded;",
          `const load = () => (loaded ??= require(${JSON.stringify(request)}));`,
        ];
        // Resolved from the importer's folder, as the import it replaces.
        const resolveDir = from.startsWith("file:") ? undefined : join(from, "..");
        if (typeof real === "function") {
          const names = Object.keys(real as object).filter((key) => key !== "default");
          return {
            loader: "js",
            resolveDir,
            contents: [
              ...load,
              "module.exports = function (...args) { return load().apply(this, args); };",
              `for (const name of ${JSON.stringify(names)}) {`,
              "  Object.defineProperty(module.exports, name, { enumerable: true, get: () => load()[name] });",
              "}",
            ].join("\n"),
          };
        }
        // No properties of its own, a prototype that reads the real module: esbuild's
        // interop (__toESM, once per importing package) copies a module's own properties
        // one by one, and node:crypto alone has some seventy; through the prototype every
        // name still reads the real module, loaded at the first read.
        return {
          loader: "js",
          resolveDir,
          contents: [
            ...load,
            "module.exports = Object.create(new Proxy({}, {",
            "  get: (_, name) => load()[name],",
            "  has: (_, name) => name in load(),",
            "}));",
          ].join("\n"),
        };
      });
    },
  };
}
