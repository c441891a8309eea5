// XML property lists as AirPlay 1 receivers write them ("text/x-apple-plist+xml"), for
// the fake's answers to AirPlay 1 clients.

import { type PlistInput, PlistReal, PlistUid } from "@atv/plist";

const HEAD =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n' +
  '<plist version="1.0">\n';

export const XML_PLIST_CONTENT_TYPE = "text/x-apple-plist+xml";

export function encodeXmlPlist(value: PlistInput): Uint8Array {
  return new TextEncoder().encode(`${HEAD}${element(value)}\n</plist>\n`);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function element(value: PlistInput): string {
  if (value instanceof PlistReal) return `<real>${value.value}</real>`;
  if (typeof value === "string") return `<string>${escapeXml(value)}</string>`;
  if (typeof value === "boolean") return value ? "<true/>" : "<false/>";
  if (typeof value === "bigint") return `<integer>${value}</integer>`;
  if (typeof value === "number") {
    return Number.isInteger(value) ? `<integer>${value}</integer>` : `<real>${value}</real>`;
  }
  if (value instanceof Date) return `<date>${value.toISOString().replace(/\.\d{3}Z$/, "Z")}</date>`;
  if (value instanceof Uint8Array) return `<data>${Buffer.from(value).toString("base64")}</data>`;
  // XML plists have no UID element (keyed archives are binary); nothing here writes one.
  if (value instanceof PlistUid) throw new TypeError("an XML plist cannot hold a UID");
  if (Array.isArray(value)) return `<array>${value.map(element).join("")}</array>`;
  const entries = Object.entries(value as { readonly [key: string]: PlistInput });
  return `<dict>${entries.map(([k, v]) => `<key>${escapeXml(k)}</key>${element(v)}`).join("")}</dict>`;
}
