// XML property lists, which AirPlay 1 receivers answer /playback-info with
// ("text/x-apple-plist+xml"; pyatv's plistlib reads both forms). The XML of a plist is a
// small language — elements without attributes that matter, text, the five predefined
// entities and character references — so it is read here, strictly, rather than by a
// general XML parser (one would triple the size of the CLIs for an answer few devices
// still give). Anything else (entity declarations, CDATA, processing instructions
// inside) is refused.

import { ProtocolError } from "@atv/interface";
import { decodePlist, isXmlPlist, type PlistValue } from "./plist.js";

/** Largest XML plist read: /playback-info answers are a few kilobytes. */
export const MAX_XML_PLIST_BYTES = 1024 * 1024;
const MAX_DEPTH = 64;

interface XmlElement {
  readonly name: string;
  readonly children: XmlElement[];
  /** The text directly inside, entities resolved. */
  text: string;
}

/**
 * A binary or an XML plist. XML over 1 MiB, nested deeper than 64, not well-formed, with
 * declarations or not a plist is a ProtocolError.
 */
export function decodeAnyPlist(bytes: Uint8Array): PlistValue {
  if (!isXmlPlist(bytes)) return decodePlist(bytes);
  if (bytes.length > MAX_XML_PLIST_BYTES) invalid(`larger than ${MAX_XML_PLIST_BYTES} bytes`);
  const root = new XmlReader(new TextDecoder().decode(bytes)).document();
  if (root.name !== "plist") invalid("the root element is not <plist>");
  const [top, ...rest] = root.children;
  if (top === undefined || rest.length > 0) invalid("<plist> must hold exactly one value");
  return readElement(top, 0);
}

const NAME = /[A-Za-z_][\w.-]*/y;
const ENTITIES: Readonly<Record<string, string>> = {
  lt: "<",
  gt: ">",
  amp: "&",
  quot: '"',
  apos: "'",
};

class XmlReader {
  readonly #text: string;
  #at = 0;

  constructor(text: string) {
    this.#text = text.replace(/^\ufeff/, "");
  }

  document(): XmlElement {
    this.#prolog();
    const root = this.#element(0);
    this.#misc();
    if (this.#at !== this.#text.length) invalid("content after the root element");
    return root;
  }

  #prolog(): void {
    this.#space();
    if (this.#text.startsWith("<?xml", this.#at)) this.#skipPast("?>");
    this.#misc();
    if (this.#text.startsWith("<!DOCTYPE", this.#at)) {
      const end = this.#text.indexOf(">", this.#at);
      // An internal subset ("[...]") could declare entities: devices never send one.
      if (end < 0 || this.#text.slice(this.#at, end).includes("[")) {
        invalid("a DOCTYPE with declarations");
      }
      this.#at = end + 1;
    }
    this.#misc();
  }

  // Comments and white space between top-level parts.
  #misc(): void {
    for (;;) {
      this.#space();
      if (!this.#text.startsWith("<!--", this.#at)) return;
      this.#skipPast("-->");
    }
  }

  #element(depth: number): XmlElement {
    if (depth > MAX_DEPTH) invalid("nested too deeply");
    if (this.#text[this.#at] !== "<") invalid(`expected an element at ${this.#at}`);
    this.#at++;
    const name = this.#name();
    // Attributes (plist's version="1.0") carry nothing a plist value needs.
    const close = this.#text.indexOf(">", this.#at);
    if (close < 0) invalid(`unterminated <${name}>`);
    const attributes = this.#text.slice(this.#at, close);
    if (/[<&]/.test(attributes)) invalid(`malformed <${name}>`);
    this.#at = close + 1;
    const element: XmlElement = { name, children: [], text: "" };
    if (attributes.endsWith("/")) return element;
    for (;;) {
      const next = this.#text.indexOf("<", this.#at);
      if (next < 0) invalid(`unclosed <${name}>`);
      element.text += decodeText(this.#text.slice(this.#at, next));
      this.#at = next;
      if (this.#text.startsWith("</", this.#at)) {
        this.#at += 2;
        if (this.#name() !== name) invalid(`</…> does not close <${name}>`);
        this.#space();
        if (this.#text[this.#at] !== ">") invalid(`malformed </${name}>`);
        this.#at++;
        return element;
      }
      if (this.#text.startsWith("<!--", this.#at)) {
        this.#skipPast("-->");
        continue;
      }
      if (this.#text.startsWith("<!", this.#at) || this.#text.startsWith("<?", this.#at)) {
        invalid("CDATA, declarations and processing instructions are not read");
      }
      element.children.push(this.#element(depth + 1));
    }
  }

  #name(): string {
    NAME.lastIndex = this.#at;
    const match = NAME.exec(this.#text);
    if (match === null) invalid(`expected a name at ${this.#at}`);
    this.#at += match[0].length;
    return match[0];
  }

  #space(): void {
    while (/\s/.test(this.#text[this.#at] ?? "")) this.#at++;
  }

  #skipPast(end: string): void {
    const found = this.#text.indexOf(end, this.#at);
    if (found < 0) invalid(`unterminated "${end}"`);
    this.#at = found + end.length;
  }
}

function decodeText(raw: string): string {
  if (raw.includes(">") && /]]>/.test(raw)) invalid("']]>' in text");
  return raw.replace(/&([^;]{0,10});/g, (whole, ref: string) => {
    if (ref.startsWith("#x")) return codePoint(Number.parseInt(ref.slice(2), 16), whole);
    if (ref.startsWith("#")) return codePoint(Number.parseInt(ref.slice(1), 10), whole);
    const entity = ENTITIES[ref];
    if (entity === undefined) invalid(`unknown entity ${whole}`);
    return entity;
  });
}

function codePoint(value: number, whole: string): string {
  if (!Number.isInteger(value) || value <= 0 || value > 0x10ffff) invalid(`bad reference ${whole}`);
  return String.fromCodePoint(value);
}

function readElement(node: XmlElement, depth: number): PlistValue {
  if (depth > MAX_DEPTH) invalid("nested too deeply");
  const text = node.text.trim();
  const leaf = (): void => {
    if (node.children.length > 0) invalid(`<${node.name}> holds elements`);
  };
  switch (node.name) {
    case "string":
      leaf();
      return node.text;
    case "integer": {
      leaf();
      if (!/^[+-]?\d{1,40}$/.test(text))
        invalid(`bad integer ${JSON.stringify(text.slice(0, 40))}`);
      const value = BigInt(text);
      const safe = BigInt(Number.MAX_SAFE_INTEGER);
      return value >= -safe && value <= safe ? Number(value) : value;
    }
    case "real": {
      leaf();
      const value = /^nan$/i.test(text) ? Number.NaN : Number(text);
      if (text === "" || (Number.isNaN(value) && !/^nan$/i.test(text))) {
        invalid(`bad real ${JSON.stringify(text.slice(0, 40))}`);
      }
      return value;
    }
    case "true":
    case "false":
      leaf();
      if (text !== "") invalid(`<${node.name}/> holds text`);
      return node.name === "true";
    case "date": {
      leaf();
      const date = new Date(text);
      if (Number.isNaN(date.getTime())) invalid(`bad date ${JSON.stringify(text.slice(0, 40))}`);
      return date;
    }
    case "data": {
      leaf();
      const compact = text.replace(/\s+/g, "");
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) invalid("bad base64 in <data>");
      return Uint8Array.from(Buffer.from(compact, "base64"));
    }
    case "array":
      if (text !== "") invalid("text inside <array>");
      return node.children.map((item) => readElement(item, depth + 1));
    case "dict": {
      if (text !== "") invalid("text inside <dict>");
      const items = node.children;
      if (items.length % 2 !== 0) invalid("a <dict> with a key and no value");
      const out: Record<string, PlistValue> = {};
      for (let i = 0; i < items.length; i += 2) {
        const key = items[i] as XmlElement;
        if (key.name !== "key" || key.children.length > 0) {
          invalid(`<dict> expects <key>, got <${key.name}>`);
        }
        // defineProperty: a key "__proto__" is data, not the object's prototype.
        Object.defineProperty(out, key.text, {
          value: readElement(items[i + 1] as XmlElement, depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    default:
      return invalid(`unknown element <${node.name}>`);
  }
}

function invalid(reason: string): never {
  throw new ProtocolError(`invalid XML plist: ${reason}`);
}
