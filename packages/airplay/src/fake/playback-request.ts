// Reads a POST /play as clients send it. pyatv sends a binary plist for both versions
// (protocols/raop/protocols/airplayv1.py and airplayv2.py): AirPlay 1 with
// Content-Location, Start-Position and X-Apple-Session-ID; AirPlay 2 with
// Content-Location, Start-Position-Seconds and uuid (its session id is a header). Older
// senders write the AirPlay 1 keys as "Key: value" lines of text/parameters.

import { ProtocolError } from "@atv/interface";
import { decodePlist, type PlistValue, plistDict } from "@atv/plist";
import { AirPlayMajorVersion } from "../features.js";
import { BPLIST_CONTENT_TYPE } from "../http/rtsp-session.js";

/** What the client asked for in a POST /play. */
export interface FakePlayRequest {
  readonly url: string;
  /** Start-Position (AirPlay 1) or Start-Position-Seconds (AirPlay 2); 0 if absent. */
  readonly position: number;
  readonly version: AirPlayMajorVersion;
  /** X-Apple-Session-ID: the body's on AirPlay 1 (else the header's), the header's on 2. */
  readonly sessionId?: string;
  /** The body's "uuid" (AirPlay 2). */
  readonly uuid?: string;
}

/** The request, or why it cannot be played (the device answers 400). */
export function parsePlayRequest(
  headers: Readonly<Record<string, string>>,
  body: Uint8Array,
): FakePlayRequest | string {
  const contentType = (headers["content-type"] ?? "").split(";", 1)[0]!.trim().toLowerCase();
  let fields: Readonly<Record<string, PlistValue>>;
  if (contentType === BPLIST_CONTENT_TYPE) {
    try {
      fields = plistDict(decodePlist(body), "/play body");
    } catch (error) {
      if (error instanceof ProtocolError) return error.message;
      throw error;
    }
  } else if (contentType === "text/parameters") {
    fields = parseParameters(new TextDecoder().decode(body));
  } else {
    return `unsupported Content-Type "${contentType}"`;
  }

  const url = fields["Content-Location"];
  if (typeof url !== "string" || url === "") return "no Content-Location";
  const version =
    Object.hasOwn(fields, "Start-Position-Seconds") || Object.hasOwn(fields, "uuid")
      ? AirPlayMajorVersion.AirPlayV2
      : AirPlayMajorVersion.AirPlayV1;
  const positionKey =
    version === AirPlayMajorVersion.AirPlayV2 ? "Start-Position-Seconds" : "Start-Position";
  const position = toNumber(fields[positionKey]);
  if (position === undefined || position < 0) return `bad ${positionKey}`;
  const headerSession = headers["x-apple-session-id"];
  const bodySession = fields["X-Apple-Session-ID"];
  const sessionId =
    version === AirPlayMajorVersion.AirPlayV1 && typeof bodySession === "string"
      ? bodySession
      : headerSession;
  const uuid = typeof fields.uuid === "string" ? fields.uuid : undefined;
  return { url, position, version, sessionId, uuid };
}

// "Content-Location: http://...\nStart-Position: 0.5\n"
function parseParameters(text: string): Record<string, PlistValue> {
  const fields: Record<string, PlistValue> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim();
    if (key === "__proto__") continue;
    fields[key] = line.slice(colon + 1).trim();
  }
  return fields;
}

// A number, a bigint within reach or numeric text; absent is 0, anything else undefined.
function toNumber(value: PlistValue | undefined): number | undefined {
  if (value === undefined) return 0;
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "bigint") return undefined;
  if (typeof value === "string" && value.trim() !== "") {
    const number = Number(value);
    return Number.isFinite(number) ? number : undefined;
  }
  return undefined;
}
