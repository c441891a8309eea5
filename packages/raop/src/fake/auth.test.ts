import { createHash } from "node:crypto";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { buildSdp } from "../wire/index.js";
import {
  DIGEST_REALM,
  digestChallenge,
  digestResponse,
  parseDigestAuthorization,
  verifyDigest,
} from "./digest-auth.js";
import { FakeRaopReceiver } from "./receiver.js";
import { RaopTestClient } from "./test-client.js";

const md5 = (text: string): string => createHash("md5").update(text).digest("hex");

/** The Authorization header pyatv's get_digest_payload writes. */
function pyatvAuthorization(method: string, uri: string, password: string, challenge: string) {
  // pyatv reads realm and nonce as the 2nd and 4th quoted strings of the challenge.
  const [, realm, , nonce] = challenge.split('"') as [string, string, string, string];
  const ha1 = md5(`pyatv:${realm}:${password}`);
  const ha2 = md5(`${method}:${uri}`);
  const response = md5(`${ha1}:${nonce}:${ha2}`);
  return `Digest username="pyatv", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}"`;
}

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

describe("digest auth", () => {
  it("computes RFC 2069 digests and checks every field", () => {
    const header = pyatvAuthorization(
      "ANNOUNCE",
      "rtsp://1.2.3.4/5",
      "secret",
      digestChallenge("abc"),
    );
    const expected = {
      password: "secret",
      nonce: "abc",
      method: "ANNOUNCE",
      uri: "rtsp://1.2.3.4/5",
    };
    expect(verifyDigest(header, expected)).toBe(true);
    expect(verifyDigest(header, { ...expected, password: "other" })).toBe(false);
    expect(verifyDigest(header, { ...expected, nonce: "abd" })).toBe(false);
    expect(verifyDigest(header, { ...expected, method: "SETUP" })).toBe(false);
    expect(verifyDigest(header, { ...expected, uri: "rtsp://1.2.3.4/6" })).toBe(false);
    expect(verifyDigest(header.replace(DIGEST_REALM, "other"), expected)).toBe(false);
    expect(verifyDigest(undefined, expected)).toBe(false);
    expect(verifyDigest("Basic cHlhdHY6c2VjcmV0", expected)).toBe(false);
    expect(
      digestResponse({
        username: "u",
        realm: "r",
        password: "p",
        nonce: "n",
        method: "M",
        uri: "/",
      }),
    ).toBe(md5(`${md5("u:r:p")}:n:${md5("M:/")}`));
  });

  it("parses any header to parameters or undefined, never throwing", () => {
    expect(parseDigestAuthorization('Digest a="1", b=2')).toEqual(
      new Map([
        ["a", "1"],
        ["b", "2"],
      ]),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `Digest ${s}`),
        ),
        (header) => {
          const params = parseDigestAuthorization(header);
          expect(params === undefined || params instanceof Map).toBe(true);
          expect(
            typeof verifyDigest(header, { password: "p", nonce: "n", method: "M", uri: "/" }),
          ).toBe("boolean");
        },
      ),
    );
  });
});

describe("FakeRaopReceiver password", () => {
  async function setUp(password: string) {
    const fake = await FakeRaopReceiver.start({ password: "secret" });
    open.push(fake);
    const c = await RaopTestClient.connect(fake.port);
    open.push(c);
    const body = buildSdp({
      sessionId: "1",
      localAddress: "127.0.0.1",
      remoteAddress: "127.0.0.1",
      format: "alac",
    });
    const first = await c.request("ANNOUNCE", {
      headers: { "Content-Type": "application/sdp" },
      body,
    });
    const challenge = first?.headers["www-authenticate"] ?? "";
    const auth = (method: string) => ({
      Authorization: pyatvAuthorization(method, c.uri, password, challenge),
    });
    return { fake, c, first, challenge, auth, body };
  }

  it("challenges with a Digest of realm raop, then takes the right answer", async () => {
    const { c, first, challenge, auth, body } = await setUp("secret");
    expect(first?.status).toBe(401);
    expect(challenge).toMatch(/^Digest realm="raop", nonce="[0-9a-f]{32}"$/);
    const again = await c.request("ANNOUNCE", {
      headers: { "Content-Type": "application/sdp", ...auth("ANNOUNCE") },
      body,
    });
    expect(again?.status).toBe(200);
    expect((await c.request("OPTIONS", { uri: "*" }))?.status).toBe(200);
    expect((await c.request("GET", { uri: "/info" }))?.status).toBe(200);
    expect((await c.request("RECORD"))?.status).toBe(401);
    expect((await c.request("RECORD", { headers: auth("RECORD") }))?.status).toBe(455);
  });

  it("answers a wrong password with 401 again", async () => {
    const { c, auth, body } = await setUp("wrong");
    const again = await c.request("ANNOUNCE", {
      headers: { "Content-Type": "application/sdp", ...auth("ANNOUNCE") },
      body,
    });
    expect(again?.status).toBe(401);
    expect(again?.headers["www-authenticate"]).toMatch(/^Digest realm="raop"/);
  });
});
