import { ProtocolError } from "@atv/interface";
import { describe, expect, it } from "vitest";
import { ALAC_FMTP, buildSdp, parseSdp } from "./sdp.js";

const session = { sessionId: "3735928559", localAddress: "10.0.0.1", remoteAddress: "10.0.0.2" };

describe("SDP", () => {
  it("announces ALAC with its fmtp line", () => {
    expect(buildSdp({ ...session, format: "alac" })).toBe(
      "v=0\r\n" +
        "o=iTunes 3735928559 0 IN IP4 10.0.0.1\r\n" +
        "s=iTunes\r\n" +
        "c=IN IP4 10.0.0.2\r\n" +
        "t=0 0\r\n" +
        "m=audio 0 RTP/AVP 96\r\n" +
        "a=rtpmap:96 AppleLossless\r\n" +
        "a=fmtp:96 352 0 16 40 10 14 2 255 0 0 44100\r\n",
    );
    expect(ALAC_FMTP.join(" ")).toBe("352 0 16 40 10 14 2 255 0 0 44100");
  });

  it("announces L16 without an ALAC fmtp line", () => {
    const sdp = buildSdp({ ...session, format: "l16" });
    expect(sdp).toContain("a=rtpmap:96 L16/44100/2\r\n");
    expect(sdp).not.toContain("fmtp");
  });

  it("writes IPv6 addresses as IP6", () => {
    const sdp = buildSdp({
      ...session,
      localAddress: "::1",
      remoteAddress: "fe80::2",
      format: "l16",
    });
    expect(sdp).toContain("o=iTunes 3735928559 0 IN IP6 ::1\r\n");
    expect(sdp).toContain("c=IN IP6 fe80::2\r\n");
  });

  it("refuses values that would break a line", () => {
    expect(() => buildSdp({ ...session, sessionId: "1\r\nm=video", format: "l16" })).toThrow(
      TypeError,
    );
  });

  it.each(["alac", "l16"] as const)("parses what it builds (%s)", (format) => {
    const parsed = parseSdp(buildSdp({ ...session, format }));
    expect(parsed).toMatchObject({
      format,
      sessionId: "3735928559",
      originAddress: "10.0.0.1",
      connectionAddress: "10.0.0.2",
      payloadType: 96,
      framesPerPacket: 352,
      encrypted: false,
    });
    expect(parsed.fmtp).toEqual(format === "alac" ? ALAC_FMTP : undefined);
  });

  it("takes pyatv's L16 announcement with an ALAC fmtp line as L16", () => {
    const pyatv =
      "v=0\r\no=iTunes 1 0 IN IP4 1.2.3.4\r\ns=iTunes\r\nc=IN IP4 5.6.7.8\r\nt=0 0\r\n" +
      "m=audio 0 RTP/AVP 96\r\na=rtpmap:96 L16/44100/2\r\n" +
      "a=fmtp:96 352 0 16 40 10 14 2 255 0 0 44100\r\n";
    expect(parseSdp(pyatv).format).toBe("l16");
  });

  it("reports the legacy encryption attribute", () => {
    const sdp = `${buildSdp({ ...session, format: "alac" })}a=rsaaeskey:AAAA\r\na=aesiv:BBBB\r\n`;
    expect(parseSdp(sdp).encrypted).toBe(true);
  });

  it.each([
    ["not SDP", "hello"],
    ["no stream", "v=0\r\ns=x\r\n"],
    ["no rtpmap", "v=0\r\nm=audio 0 RTP/AVP 96\r\n"],
    ["video", "v=0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264\r\n"],
    ["two streams", "v=0\r\nm=audio 0 RTP/AVP 96\r\nm=audio 0 RTP/AVP 97\r\n"],
    ["another encoding", "v=0\r\nm=audio 0 RTP/AVP 96\r\na=rtpmap:96 mpeg4-generic/44100/2\r\n"],
    ["L16 at 48 kHz", "v=0\r\nm=audio 0 RTP/AVP 96\r\na=rtpmap:96 L16/48000/2\r\n"],
    ["ALAC without fmtp", "v=0\r\nm=audio 0 RTP/AVP 96\r\na=rtpmap:96 AppleLossless\r\n"],
    [
      "ALAC at 24 bits",
      "v=0\r\nm=audio 0 RTP/AVP 96\r\na=rtpmap:96 AppleLossless\r\na=fmtp:96 352 0 24 40 10 14 2 255 0 0 44100\r\n",
    ],
    [
      "a short fmtp",
      "v=0\r\nm=audio 0 RTP/AVP 96\r\na=rtpmap:96 AppleLossless\r\na=fmtp:96 352 0 16\r\n",
    ],
    ["a bad origin", "v=0\r\no=iTunes\r\nm=audio 0 RTP/AVP 96\r\na=rtpmap:96 L16/44100/2\r\n"],
    ["a bad line", "v=0\r\nnonsense\r\n"],
  ])("rejects %s", (_, text) => {
    expect(() => parseSdp(text)).toThrow(ProtocolError);
  });
});
