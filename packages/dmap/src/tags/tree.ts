// Walking and printing decoded DMAP trees (pyatv's parser.first and parser.pprint).

import { lookupTag } from "./tag-table.js";
import { type DmapNode, type DmapValue, MAX_DMAP_DEPTH } from "./types.js";

/**
 * The node at a path of tag codes: the first node with the first code, then inside it
 * (a container) the first node with the next code, and so on; e.g.
 * `firstNode(tree, "cmst", "caps")`. Undefined when a step is missing, when the path goes
 * through a node that is not a container, or when the path is empty.
 */
export function firstNode(nodes: readonly DmapNode[], ...path: string[]): DmapNode | undefined {
  let list = nodes;
  let found: DmapNode | undefined;
  for (let i = 0; i < path.length; i++) {
    if (found !== undefined) {
      if (found.type !== "container") return undefined;
      list = found.value as readonly DmapNode[];
    }
    const tag = path[i];
    found = list.find((node) => node.tag === tag);
    if (found === undefined) return undefined;
  }
  return found;
}

/**
 * The value at a path of tag codes (see firstNode), e.g. `first(tree, "cmst", "caps")`;
 * with an empty path, the tree itself (as pyatv's first).
 */
export function first(nodes: readonly DmapNode[], ...path: string[]): DmapValue | undefined {
  if (path.length === 0) return nodes;
  return firstNode(nodes, ...path)?.value;
}

const MAX_RAW_SHOWN = 64;

/**
 * An indented listing of a tree for debugging, one node a line in the spirit of pyatv's
 * parser.pprint: `cmst: [container, dmcp.playstatus]`, then its children two spaces
 * further in, as `caps: 4 [uint, dacp.playstatus]`.
 */
export function prettyDmap(nodes: readonly DmapNode[]): string {
  const lines: string[] = [];
  printList(nodes, 0, lines);
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

function printList(nodes: readonly DmapNode[], depth: number, lines: string[]): void {
  const indent = "  ".repeat(depth);
  for (const node of nodes) {
    const label = `[${node.type}, ${lookupTag(node.tag)?.name ?? "unknown tag"}]`;
    if (node.type === "container" && Array.isArray(node.value)) {
      lines.push(`${indent}${node.tag}: ${label}`);
      // Decoded trees are never deeper; a tree built by hand might even be a cycle.
      if (depth + 1 >= MAX_DMAP_DEPTH) lines.push(`${indent}  (nested too deep to print)`);
      else printList(node.value as readonly DmapNode[], depth + 1, lines);
    } else {
      lines.push(`${indent}${node.tag}: ${formatValue(node)} ${label}`);
    }
  }
}

function formatValue(node: DmapNode): string {
  const { value } = node;
  switch (node.type) {
    case "string":
      return JSON.stringify(value);
    case "date":
      if (typeof value === "number" && Number.isFinite(value)) {
        const date = new Date(value * 1000);
        if (!Number.isNaN(date.getTime())) return `${value} (${date.toISOString()})`;
      }
      return String(value);
    case "bplist":
      return formatPlist(value);
    default:
      return value instanceof Uint8Array ? formatBytes(value) : String(value);
  }
}

function formatBytes(bytes: Uint8Array): string {
  const shown = Buffer.from(bytes.subarray(0, MAX_RAW_SHOWN)).toString("hex");
  return bytes.length > MAX_RAW_SHOWN ? `0x${shown}… (${bytes.length} bytes)` : `0x${shown}`;
}

function formatPlist(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, item: unknown) => {
      if (typeof item === "bigint") return item.toString();
      if (item instanceof Uint8Array) return formatBytes(item);
      return item;
    });
  } catch {
    return String(value);
  }
}
