// HTTP Digest authentication as AirPlay 1 receivers ask for it when a password is set:
// a 401 carrying `WWW-Authenticate: Digest realm="raop", nonce="..."`, answered with an
// Authorization header of MD5(MD5(user:realm:password):nonce:MD5(method:uri)) (RFC 2069,
// no qop). Facts from pyatv's support/rtsp.py (get_digest_payload, the client reads the
// realm and nonce as the 2nd and 4th quoted strings) and tests/fake_device/raop.py.

import { createHash, randomBytes } from "node:crypto";

/** The realm AirPlay receivers announce. */
export const DIGEST_REALM = "raop";

/** A fresh nonce: 32 hex digits. */
export function newNonce(): string {
  return randomBytes(16).toString("hex");
}

/** The WWW-Authenticate value of a 401; realm first, nonce second, as pyatv's client reads it. */
export function digestChallenge(nonce: string): string {
  return `Digest realm="${DIGEST_REALM}", nonce="${nonce}"`;
}

export interface DigestInput {
  readonly username: string;
  readonly realm: string;
  readonly password: string;
  readonly nonce: string;
  readonly method: string;
  readonly uri: string;
}

/** The `response` value a client must send. */
export function digestResponse(input: DigestInput): string {
  const ha1 = md5(`${input.username}:${input.realm}:${input.password}`);
  const ha2 = md5(`${input.method}:${input.uri}`);
  return md5(`${ha1}:${input.nonce}:${ha2}`);
}

/** The parameters of an `Authorization: Digest k="v", ...` header; undefined when it is not one. */
export function parseDigestAuthorization(header: string): ReadonlyMap<string, string> | undefined {
  const match = /^Digest\s+(.*)$/is.exec(header.trim());
  if (match === null) return undefined;
  const params = new Map<string, string>();
  const pair = /\s*([A-Za-z0-9_-]+)\s*=\s*(?:"([^"]*)"|([^\s,"]*))\s*(?:,|$)/y;
  const text = match[1] as string;
  while (pair.lastIndex < text.length) {
    const start = pair.lastIndex;
    const found = pair.exec(text);
    if (found === null || pair.lastIndex === start) return undefined;
    params.set((found[1] as string).toLowerCase(), found[2] ?? found[3] ?? "");
  }
  return params;
}

/**
 * Whether an Authorization header proves the password for this request: the right realm,
 * this connection's nonce, the request's own URI and the matching response. Any user name
 * is accepted (pyatv sends "pyatv", iTunes "iTunes").
 */
export function verifyDigest(
  header: string | undefined,
  expected: { password: string; nonce: string; method: string; uri: string },
): boolean {
  if (header === undefined) return false;
  const params = parseDigestAuthorization(header);
  if (params === undefined) return false;
  const username = params.get("username");
  const response = params.get("response");
  if (username === undefined || response === undefined) return false;
  if (params.get("realm") !== DIGEST_REALM || params.get("nonce") !== expected.nonce) return false;
  if (params.get("uri") !== expected.uri) return false;
  const wanted = digestResponse({ username, realm: DIGEST_REALM, ...expected });
  return response.toLowerCase() === wanted;
}

function md5(text: string): string {
  return createHash("md5").update(text, "utf8").digest("hex");
}
