// XML property lists, which AirPlay 1 receivers answer /playback-info with
// ("text/x-apple-plist+xml"; pyatv's plistlib reads both forms). Parsed with xmldom,
// loaded only when a device answers in XML so that nothing else pays for it; the plist
// elements are read here.

import { ProtocolError } from "@atv/interface";
import { decodePlist, type PlistValue } from "./plist.js";

/** Largest XML plist read: /playback-info answers are a few kilobytes. */
export const MAX_XML_PLIST_BYTES = 1024 * 1024;
const MAX_DEPTH = 64;
const ELEMENT_NODE = 1;

/** Whether a body is an XML plist rather than a binary one. */
export function isXmlPlist(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 64))
    .toString("latin1")
    .replace(/^(\xef\xbb\xbf)?\s*/, "");
  return head.startsWith("<?xml") || head.startsWith("<plist") || head.startsWith("<!DOCTYPE");
}

// The little of a DOM node this reads.
interface XmlNode {
  readonly nodeType: number;
  readonly nodeName: string;
  readonly textContent: string | null;
  readonly childNodes: ArrayLike<XmlNode>;
}

/**
 * A binary or an XML plist. XML over 1 MiB, with an entity declaration, nested deeper
 * than 64, not well-formed or not a plist is a ProtocolError.
 */
export async function decodeAnyPlist(bytes: Uint8Array): Promise<PlistValue> {
  if (!isXmlPlist(bytes)) return decodePlist(bytes);
  if (bytes.length > MAX_XML_PLIST_BYTES) invalid(`larger than ${MAX_XML_PLIST_BYTES} bytes`);
  const text = new TextDecoder().decode(bytes);
  // Devices never declare entities; refusing them rules out expansion bombs.
  if (/<!ENTITY/i.test(text)) invalid("entity declarations");
  const { DOMParser } = await import("@xmldom/xmldom");
  let root: XmlNode | null;
  try {
    const parser = new DOMParser({
      // Report, never print: every complaint of the parser ends the parse.
      onError: (level, message) => {
        throw new Error(`${level}: ${message}`);
      },
    });
    root = parser.parseFromString(text, "text/xml").documentElement as XmlNode | null;
  } catch (error) {
    invalid(error instanceof Error ? error.message : String(error), error);
  }
  if (root?.nodeName !== "plist") invalid("the root element is not <plist>");
  const [top, ...rest] = elements(root);
  if (top === undefined || rest.length > 0) invalid("<plist> must hold exactly one value");
  return readElement(top, 0);
}

function readElement(node: XmlNode, depth: number): PlistValue {
  if (depth > MAX_DEPTH) invalid("nested too deeply");
  const text = node.textContent ?? "";
  switch (node.nodeName) {
    case "string":
      return text;
    case "integer": {
      if (!/^\s*[+-]?\d+\s*$/.test(text))
        invalid(`bad integer ${JSON.stringify(text.slice(0, 40))}`);
      const value = BigInt(text.trim());
      return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(value)
        : value;
    }
    case "real": {
      const value = Number(text.trim());
      if (text.trim() === "" || (Number.isNaN(value) && !/^\s*nan\s*$/i.test(text))) {
        invalid(`bad real ${JSON.stringify(text.slice(0, 40))}`);
      }
      return value;
    }
    case "true":
      return true;
    case "false":
      return false;
    case "date": {
      const date = new Date(text.trim());
      if (Number.isNaN(date.getTime())) invalid(`bad date ${JSON.stringify(text.slice(0, 40))}`);
      return date;
    }
    case "data": {
      const compact = text.replace(/\s+/g, "");
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) invalid("bad base64 in <data>");
      return Uint8Array.from(Buffer.from(compact, "base64"));
    }
    case "array":
      return elements(node).map((item) => readElement(item, depth + 1));
    case "dict": {
      const items = elements(node);
      if (items.length % 2 !== 0) invalid("a <dict> with a key and no value");
      const out: Record<string, PlistValue> = {};
      for (let i = 0; i < items.length; i += 2) {
        const key = items[i] as XmlNode;
        if (key.nodeName !== "key") invalid(`<dict> expects <key>, got <${key.nodeName}>`);
        Object.defineProperty(out, key.textContent ?? "", {
          value: readElement(items[i + 1] as XmlNode, depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    default:
      return invalid(`unknown element <${node.nodeName}>`);
  }
}

function elements(node: XmlNode): XmlNode[] {
  return Array.from(node.childNodes).filter((child) => child.nodeType === ELEMENT_NODE);
}

function invalid(reason: string, cause?: unknown): never {
  throw new ProtocolError(
    `invalid XML plist: ${reason}`,
    cause === undefined ? undefined : { cause },
  );
}
