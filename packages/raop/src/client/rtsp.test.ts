import { createHash } from "node:crypto";
import { ProtocolError } from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { digestAuthorization, parseDigestChallenge, parseTransport } from "./rtsp.js";

const md5 = (text: string) => createHash("md5").update(text).digest("hex");

describe("digest authentication", () => {
  it("reads realm and nonce of a Digest challenge, nothing else", () => {
    expect(parseDigestChallenge('Digest realm="raop", nonce="0123abc"')).toEqual({
      realm: "raop",
      nonce: "0123abc",
    });
    expect(parseDigestChallenge('Basic realm="x"')).toBeUndefined();
    expect(parseDigestChallenge('Digest realm="x"')).toBeUndefined();
    expect(parseDigestChallenge(undefined)).toBeUndefined();
  });

  it("answers as RFC 2069 (pyatv's get_digest_payload)", () => {
    const header = digestAuthorization(
      "ANNOUNCE",
      "rtsp://10.0.0.1/1",
      { realm: "raop", nonce: "n" },
      "pw",
      "pyatv",
    );
    const ha1 = md5("pyatv:raop:pw");
    const ha2 = md5("ANNOUNCE:rtsp://10.0.0.1/1");
    expect(header).toBe(
      `Digest username="pyatv", realm="raop", nonce="n", uri="rtsp://10.0.0.1/1", response="${md5(`${ha1}:n:${ha2}`)}"`,
    );
  });

  it("never throws on any challenge text", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const parsed = parseDigestChallenge(text);
        expect(parsed === undefined || typeof parsed.nonce === "string").toBe(true);
      }),
    );
  });
});

describe("parseTransport", () => {
  it("reads the options of a Transport header", () => {
    const options = parseTransport(
      "RTP/AVP/UDP;unicast;mode=record;server_port=6000;control_port=6001;timing_port=6002",
    );
    expect(options.get("server_port")).toBe("6000");
    expect(options.get("timing_port")).toBe("6002");
  });

  it("is a ProtocolError without the header, and never another error", () => {
    expect(() => parseTransport(undefined)).toThrow(ProtocolError);
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(parseTransport(text)).toBeInstanceOf(Map);
      }),
    );
  });
});
