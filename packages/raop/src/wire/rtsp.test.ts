import { ProtocolError } from "@atv/interface";
import { describe, expect, it } from "vitest";
import { parseRtspResponse } from "./rtsp.js";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe("parseRtspResponse", () => {
  const ok = "RTSP/1.0 200 OK\r\nCSeq: 3\r\nContent-Length: 5\r\nSession: 1\r\n\r\nhello";

  it("parses a complete response and says where it ends", () => {
    const response = parseRtspResponse(bytes(`${ok}RTSP/1.0 401`));
    expect(response).toMatchObject({ status: 200, reason: "OK", length: ok.length });
    expect(response?.headers.get("cseq")).toBe("3");
    expect(new TextDecoder().decode(response?.body)).toBe("hello");
  });

  it("waits for the rest of the head or body", () => {
    for (let cut = 0; cut < ok.length; cut++) {
      expect(parseRtspResponse(bytes(ok.slice(0, cut)))).toBeUndefined();
    }
  });

  it("takes a response without a body", () => {
    const text = "RTSP/1.0 453 Not Enough Bandwidth\r\nCSeq: 1\r\n\r\n";
    expect(parseRtspResponse(bytes(text))).toMatchObject({ status: 453, length: text.length });
  });

  it.each([
    ["a bad status line", "garbage\r\n\r\n"],
    ["a bad status", "RTSP/1.0 2x0 OK\r\n\r\n"],
    ["a bad Content-Length", "RTSP/1.0 200 OK\r\nContent-Length: -1\r\n\r\n"],
    ["a header without a colon", "RTSP/1.0 200 OK\r\nCSeq 1\r\n\r\n"],
    ["a body too large to wait for", "RTSP/1.0 200 OK\r\nContent-Length: 999999999\r\n\r\n"],
    ["an endless head", `RTSP/1.0 200 OK\r\n${"X-A: b\r\n".repeat(3000)}`],
  ])("rejects %s", (_, text) => {
    expect(() => parseRtspResponse(bytes(text))).toThrow(ProtocolError);
  });
});
