// Three-way merge of one device's JSON, for two processes saving one file: what this
// process changed since it read the device is applied to what is in the file now, so a
// change made meanwhile by another process to another field survives.

import { isObject } from "./model.js";
import type { Json, JsonObject } from "./python-json.js";

type Leaves = Map<string, Json>;

// Paths joined with a character no JSON key of this model contains.
const SEP = "\u0000";

function flatten(value: JsonObject, prefix: string, out: Leaves): Leaves {
  for (const [key, item] of Object.entries(value)) {
    const path = prefix + key;
    if (isObject(item) && Object.keys(item).length > 0) flatten(item, path + SEP, out);
    else out.set(path, item);
  }
  return out;
}

function same(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function setPath(target: JsonObject, path: string[], value: Json | undefined): void {
  const parents: JsonObject[] = [];
  let node = target;
  for (const key of path.slice(0, -1)) {
    let next = node[key];
    if (!isObject(next)) {
      if (value === undefined) return;
      next = {};
      node[key] = next;
    }
    parents.push(node);
    node = next;
  }
  const last = path[path.length - 1] as string;
  if (value !== undefined) {
    node[last] = value;
    return;
  }
  delete node[last];
  // A section left empty by a removal goes too, as pyatv leaves out all-default sections.
  for (let i = parents.length - 1; i >= 0 && Object.keys(node).length === 0; i--) {
    const parent = parents[i] as JsonObject;
    delete parent[path[i] as string];
    node = parent;
  }
}

/** `disk` with every leaf that differs between `base` and `ours` set as in `ours`. */
export function mergeDevice(base: JsonObject, ours: JsonObject, disk: JsonObject): JsonObject {
  const before = flatten(base, "", new Map());
  const after = flatten(ours, "", new Map());
  const result = structuredClone(disk);
  for (const path of new Set([...before.keys(), ...after.keys()])) {
    const value = after.get(path);
    if (!same(before.get(path), value)) setPath(result, path.split(SEP), value);
  }
  return result;
}
