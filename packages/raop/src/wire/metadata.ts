// Now-playing metadata as RAOP receivers take it: a DAAP `mlit` item in a SET_PARAMETER
// of type application/x-dmap-tagged, holding minm (title), asal (album) and asar (artist)
// in that order, each only when set (pyatv's RtspSession.set_metadata).

// The tag codec alone (its own entry): streaming needs none of the DMAP client.
import { type DmapNode, decodeDmap, dmapTag } from "@atv/dmap/tags";
import { ProtocolError } from "@atv/interface";

export const DMAP_CONTENT_TYPE = "application/x-dmap-tagged";

export interface RaopMetadata {
  readonly title?: string;
  readonly artist?: string;
  readonly album?: string;
}

/** mlit{minm?, asal?, asar?}; empty strings are left out, as pyatv does. */
export function encodeRaopMetadata(m: RaopMetadata): Uint8Array {
  const children: Uint8Array[] = [];
  if (m.title) children.push(dmapTag.string("minm", m.title));
  if (m.album) children.push(dmapTag.string("asal", m.album));
  if (m.artist) children.push(dmapTag.string("asar", m.artist));
  return dmapTag.container("mlit", ...children);
}

/**
 * Reads the metadata of an `mlit` body; the three fields are taken wherever they are
 * among its children, others ignored. Bytes that are not DMAP, a body that is not one
 * mlit container, or a field that is not a string is a ProtocolError.
 */
export function decodeRaopMetadata(bytes: Uint8Array): RaopMetadata {
  let nodes: DmapNode[];
  try {
    nodes = decodeDmap(bytes);
  } catch (error) {
    throw new ProtocolError("metadata is not DMAP data", { cause: error });
  }
  const item = nodes[0];
  if (
    nodes.length !== 1 ||
    item === undefined ||
    item.tag !== "mlit" ||
    item.type !== "container"
  ) {
    throw new ProtocolError("metadata is not one mlit item");
  }
  const out: { title?: string; artist?: string; album?: string } = {};
  for (const node of item.value as readonly DmapNode[]) {
    const field = FIELDS.get(node.tag);
    if (field === undefined) continue;
    if (typeof node.value !== "string") throw new ProtocolError(`metadata ${node.tag} is not text`);
    out[field] = node.value;
  }
  return out;
}

const FIELDS: ReadonlyMap<string, "title" | "artist" | "album"> = new Map([
  ["minm", "title"],
  ["asar", "artist"],
  ["asal", "album"],
]);
