// What bplist-creator uses of stream-buffers, for the CLI bundles: stream-buffers 3.0.3
// (its last release) allocates with the deprecated Buffer() constructor, and once bundled
// into our own file Node prints DEP0005 at every plist written. Libraries keep the real
// package (Node does not warn for code under node_modules).
"use strict";

class WritableStreamBuffer {
  constructor() {
    this.chunks = [];
    this.length = 0;
  }

  write(chunk) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    this.chunks.push(bytes);
    this.length += bytes.length;
    return true;
  }

  size() {
    return this.length;
  }

  getContents() {
    if (this.length === 0) return false;
    const contents = Buffer.concat(this.chunks, this.length);
    this.chunks = [];
    this.length = 0;
    return contents;
  }
}

module.exports = { WritableStreamBuffer };
