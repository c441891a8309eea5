// What the CLI bundles give protobufjs for `require("long")`: nothing. long.js compiles a
// WebAssembly module as it loads (~3 ms of every cold start), and without it protobufjs
// reads 64-bit fields as numbers, which is what our generated MRP code turns them into
// anyway ($toNumber). Libraries keep the real package.
"use strict";

module.exports = null;
