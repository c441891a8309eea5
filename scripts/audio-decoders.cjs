// The WebAssembly audio decoders @atv/raop loads when a file of their format is streamed,
// bundled apart from the CLIs' main bundle (see tsup.app.ts): ~750 KB that no command but
// stream_file needs, and that every command would otherwise read and cache at its start.
"use strict";

module.exports = {
  "mpg123-decoder": require("mpg123-decoder"),
  "@wasm-audio-decoders/flac": require("@wasm-audio-decoders/flac"),
  "@wasm-audio-decoders/ogg-vorbis": require("@wasm-audio-decoders/ogg-vorbis"),
};
