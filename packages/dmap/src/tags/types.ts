// The DMAP value model shared by the decoder, the encoder and the tree helpers.

/**
 * How a tag's payload is read. `uint`/`int`/`date`/`version` are big-endian integers (dates
 * count seconds since 1970, versions are major(16).minor(8).patch(8) in 4 bytes); `raw` is
 * the payload as bytes (unknown tags too); `bplist` a binary property list.
 */
export type DmapType =
  | "uint"
  | "int"
  | "string"
  | "bool"
  | "container"
  | "date"
  | "version"
  | "raw"
  | "bplist";

export interface DmapNode {
  /** The four-character tag code, e.g. "cmst". */
  readonly tag: string;
  readonly type: DmapType;
  readonly value: DmapValue;
  /**
   * Byte width of integers (and of a flag that came in more than one byte), so that
   * encodeDmap writes them back as they came.
   */
  readonly size?: number;
}

/**
 * uint/int: a number when it is a safe integer, else a bigint; date: seconds since 1970;
 * version: "major.minor.patch"; string: text; bool: boolean; raw: Uint8Array;
 * container: DmapNode[]; bplist: the decoded plist.
 */
export type DmapValue =
  | number
  | bigint
  | string
  | boolean
  | Uint8Array
  | readonly DmapNode[]
  | unknown;

/** Deepest nesting of containers that is decoded or encoded. */
export const MAX_DMAP_DEPTH = 64;
