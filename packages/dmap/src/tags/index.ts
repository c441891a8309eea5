// DMAP tag codec: the tag table, decoding and encoding of tag trees, pyatv-style builders
// for single tags, and helpers to walk and print trees.
export { decodeDmap } from "./decode.js";
export { dmapTag, encodeDmap } from "./encode.js";
export { lookupTag } from "./tag-table.js";
export { first, firstNode, prettyDmap } from "./tree.js";
export type { DmapNode, DmapType, DmapValue } from "./types.js";
