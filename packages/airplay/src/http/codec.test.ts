import { ProtocolError } from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mutatedFrom } from "../../../../scripts/byte-mutations.js";
import {
  encodeRequest,
  encodeResponse,
  HttpRequestParser,
  HttpResponseParser,
  reasonPhrase,
  STATUS_REASONS,
} from "./codec.js";
import type { HttpRequest, HttpResponse } from "./types.js";

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString("latin1");
const bytes = (value: string): Uint8Array => new Uint8Array(Buffer.from(value, "latin1"));

function caught(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("encodeRequest", () => {
  it("writes the start line, Content-Length first, the headers and the body", () => {
    const encoded = encodeRequest({
      method: "POST",
      uri: "/pair-setup",
      headers: { "X-Apple-HKP": 3, "Content-Type": "application/octet-stream" },
      body: bytes("abc"),
    });
    expect(text(encoded)).toBe(
      "POST /pair-setup HTTP/1.1\r\nContent-Length: 3\r\nX-Apple-HKP: 3\r\n" +
        "Content-Type: application/octet-stream\r\n\r\nabc",
    );
  });

  it("sends no Content-Length for an empty body, as pyatv's format_request", () => {
    expect(
      text(
        encodeRequest({ method: "GET", uri: "/info", protocol: "RTSP/1.0", headers: { CSeq: 1 } }),
      ),
    ).toBe("GET /info RTSP/1.0\r\nCSeq: 1\r\n\r\n");
    expect(text(encodeRequest({ method: "GET", uri: "*", body: new Uint8Array(0) }))).toBe(
      "GET * HTTP/1.1\r\n\r\n",
    );
  });

  it("keeps a Content-Length given in the headers when it matches the body", () => {
    expect(
      text(encodeRequest({ method: "POST", uri: "/x", headers: { "content-length": "0" } })),
    ).toBe("POST /x HTTP/1.1\r\ncontent-length: 0\r\n\r\n");
    expect(
      text(
        encodeRequest({
          method: "POST",
          uri: "/x",
          headers: { "Content-Length": 2 },
          body: bytes("hi"),
        }),
      ),
    ).toBe("POST /x HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi");
    expect(() =>
      encodeRequest({
        method: "POST",
        uri: "/x",
        headers: { "Content-Length": 5 },
        body: bytes("hi"),
      }),
    ).toThrow(RangeError);
  });

  it("refuses what would not parse back the same", () => {
    expect(() => encodeRequest({ method: "GET X", uri: "/" })).toThrow(TypeError);
    expect(() => encodeRequest({ method: "GET", uri: "/a b" })).toThrow(TypeError);
    expect(() => encodeRequest({ method: "GET", uri: "" })).toThrow(TypeError);
    expect(() => encodeRequest({ method: "GET", uri: "/", protocol: "HTTP" })).toThrow(TypeError);
    expect(() => encodeRequest({ method: "GET", uri: "/", headers: { "A B": "1" } })).toThrow(
      TypeError,
    );
    expect(() => encodeRequest({ method: "GET", uri: "/", headers: { A: "1\r\nB: 2" } })).toThrow(
      TypeError,
    );
  });
});

describe("encodeResponse", () => {
  it("writes headers, then Content-Length, as pyatv's format_response", () => {
    const encoded = encodeResponse({
      protocol: "RTSP/1.0",
      status: 200,
      headers: { CSeq: "4", Server: "AirTunes/366.0" },
      body: bytes("xy"),
    });
    expect(text(encoded)).toBe(
      "RTSP/1.0 200 OK\r\nCSeq: 4\r\nServer: AirTunes/366.0\r\nContent-Length: 2\r\n\r\nxy",
    );
  });

  it("fills in the reason, and keeps the space before an empty one", () => {
    expect(text(encodeResponse({ status: 470 }))).toBe(
      "HTTP/1.1 470 Connection Authorization Required\r\n\r\n",
    );
    expect(text(encodeResponse({ status: 299 }))).toBe("HTTP/1.1 299 \r\n\r\n");
    expect(text(encodeResponse({ status: 404, reason: "Nope" }))).toBe("HTTP/1.1 404 Nope\r\n\r\n");
    expect(() => encodeResponse({ status: 99 })).toThrow(TypeError);
    expect(() => encodeResponse({ status: 200, reason: "a\nb" })).toThrow(TypeError);
  });

  it("knows the reasons of the common statuses", () => {
    expect(reasonPhrase(200)).toBe("OK");
    expect(reasonPhrase(453)).toBe("Not Enough Bandwidth");
    expect(reasonPhrase(470)).toBe("Connection Authorization Required");
    expect(reasonPhrase(299)).toBe("");
    for (const status of [200, 400, 401, 403, 404, 405, 453, 470, 500, 501]) {
      expect(STATUS_REASONS[status]).toMatch(/^[A-Z]/);
    }
  });
});

describe("HttpResponseParser", () => {
  it("parses a response cut into pieces, with names lower-cased", () => {
    const parser = new HttpResponseParser();
    const wire =
      "RTSP/1.0 200 OK\r\nCSeq: 7\r\nContent-Length: 4\r\nContent-Type:  text/plain \r\n\r\nbody";
    const out: HttpResponse[] = [];
    for (const char of wire) out.push(...parser.push(bytes(char)));
    expect(out).toEqual([
      {
        protocol: "RTSP/1.0",
        status: 200,
        reason: "OK",
        headers: { cseq: "7", "content-length": "4", "content-type": "text/plain" },
        body: bytes("body"),
      },
    ]);
    expect(parser.bufferedLength).toBe(0);
  });

  it("parses several responses in one chunk", () => {
    const parser = new HttpResponseParser();
    const wire =
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na" +
      "HTTP/1.1 404 Not Found\r\n\r\n" +
      "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 2\r\n\r\nb";
    const first = parser.push(bytes(wire));
    expect(first.map((r) => [r.status, r.reason, text(r.body)])).toEqual([
      [200, "OK", "a"],
      [404, "Not Found", ""],
    ]);
    expect(parser.bufferedLength).toBe(1);
    expect(parser.push(bytes("c")).map((r) => text(r.body))).toEqual(["bc"]);
  });

  it("takes a response without Content-Length to have no body, as pyatv does", () => {
    const parser = new HttpResponseParser();
    expect(
      parser.push(bytes("HTTP/1.1 200 OK\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n")),
    ).toHaveLength(2);
  });

  it("accepts a status line without a reason, and ignores blank lines between messages", () => {
    const parser = new HttpResponseParser();
    const [response] = parser.push(bytes("\r\n\r\nHTTP/1.1 200\r\n\r\n"));
    expect(response).toMatchObject({ status: 200, reason: "" });
  });

  it("keeps the last of repeated headers", () => {
    const [response] = new HttpResponseParser().push(
      bytes("HTTP/1.1 200 OK\r\nA: 1\r\na: 2\r\n\r\n"),
    );
    expect(response?.headers).toEqual({ a: "2" });
  });

  it("copies bodies out of the chunks they came in", () => {
    const chunk = bytes("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc");
    const [response] = new HttpResponseParser().push(chunk);
    chunk.fill(0);
    expect(text(response?.body ?? new Uint8Array())).toBe("abc");
  });
});

describe("HttpRequestParser", () => {
  it("parses requests with RTSP and HTTP targets", () => {
    const parser = new HttpRequestParser();
    const requests = parser.push(
      bytes(
        "SETUP rtsp://10.0.0.2/1234 RTSP/1.0\r\nCSeq: 1\r\n\r\n" +
          "POST /command HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi" +
          "OPTIONS * RTSP/1.0\r\n\r\n",
      ),
    );
    expect(requests.map((r) => [r.method, r.uri, r.protocol, text(r.body)])).toEqual([
      ["SETUP", "rtsp://10.0.0.2/1234", "RTSP/1.0", ""],
      ["POST", "/command", "HTTP/1.1", "hi"],
      ["OPTIONS", "*", "RTSP/1.0", ""],
    ]);
  });

  it("reads a header named __proto__ as a header", () => {
    const [request] = new HttpRequestParser().push(bytes("GET / HTTP/1.1\r\n__proto__: x\r\n\r\n"));
    expect(Object.entries(request?.headers ?? {})).toEqual([["__proto__", "x"]]);
  });
});

describe("parser errors", () => {
  const cases: [string, string, RegExp][] = [
    ["response", "HTTP/1.1 OK\r\n\r\n", /bad status code/],
    ["response", "HTTP/1.1 20 OK\r\n\r\n", /bad status code/],
    ["response", "HTTP/1.1 2000 OK\r\n\r\n", /bad status code/],
    ["response", "garbage\r\n\r\n", /malformed status line/],
    ["response", "HTTP 200 OK\r\n\r\n", /malformed status line/],
    ["request", "GET /\r\n\r\n", /malformed request line/],
    ["request", "GET  / HTTP/1.1\r\n\r\n", /malformed request line/],
    ["request", "GET / HTTP/1.1\r\nNoColon\r\n\r\n", /malformed header line/],
    ["request", "GET / HTTP/1.1\r\n: empty name\r\n\r\n", /malformed header line/],
    ["request", "GET / HTTP/1.1\r\n folded: x\r\n\r\n", /malformed header line/],
    ["request", "GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", /bad Content-Length/],
    ["request", "GET / HTTP/1.1\r\nContent-Length: 1e3\r\n\r\n", /bad Content-Length/],
    ["request", "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", /conflicting/],
    ["request", "GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", /chunked/],
    ["request", "GET / HTTP/1.1\r\nA: b\rc\r\n\r\n", /bare CR/],
    ["request", "GET / HTTP/1.1\r\nA: \xff\r\n\r\n", /UTF-8/],
    [
      "request",
      `GET / HTTP/1.1\r\nContent-Length: ${16 * 1024 * 1024 + 1}\r\n\r\n`,
      /exceeds the limit/,
    ],
  ];

  for (const [kind, wire, reason] of cases) {
    it(`refuses ${JSON.stringify(wire.slice(0, 60))} and stays failed`, () => {
      const parser = kind === "request" ? new HttpRequestParser() : new HttpResponseParser();
      const error = caught(() => parser.push(bytes(wire)));
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as Error).message).toMatch(reason);
      expect(caught(() => parser.push(bytes("HTTP/1.1 200 OK\r\n\r\n")))).toBe(error);
    });
  }

  it("refuses a head over 16 KiB, whole or in pieces, without waiting for its end", () => {
    const long = `GET / HTTP/1.1\r\nX: ${"a".repeat(16 * 1024)}`;
    expect(() => new HttpRequestParser().push(bytes(`${long}\r\n\r\n`))).toThrow(
      /longer than 16384/,
    );
    const parser = new HttpRequestParser();
    expect(() => {
      for (let i = 0; i < long.length; i += 1000) parser.push(bytes(long.slice(i, i + 1000)));
    }).toThrow(/longer than 16384/);
    // Exactly at the limit is fine.
    const head = `GET / HTTP/1.1\r\nX: `;
    const exact = `${head}${"a".repeat(16 * 1024 - head.length)}`;
    expect(new HttpRequestParser().push(bytes(`${exact}\r\n\r\n`))).toHaveLength(1);
  });

  it("applies the configured limits", () => {
    const parser = new HttpRequestParser({ maxBodyLength: 4, maxHeadLength: 64 });
    expect(parser.push(bytes("POST / HTTP/1.1\r\nContent-Length: 4\r\n\r\nabcd"))).toHaveLength(1);
    expect(() => parser.push(bytes("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n"))).toThrow(
      /body of 5 bytes exceeds the limit of 4/,
    );
    expect(() => new HttpRequestParser({ maxBodyLength: -1 })).toThrow(RangeError);
  });
});

const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/);
const headerValue = fc
  .string({ unit: "grapheme", maxLength: 30 })
  .filter((v) => !/[\r\n\0]/.test(v) && v.trim() === v && !/^[ \t]|[ \t]$/.test(v));
const headers = fc
  .dictionary(
    token.filter(
      (name) =>
        name.toLowerCase() !== "content-length" && name.toLowerCase() !== "transfer-encoding",
    ),
    headerValue,
    { maxKeys: 6 },
  )
  // Names differing only in case would collapse into one received header.
  .filter(
    (h) => new Set(Object.keys(h).map((k) => k.toLowerCase())).size === Object.keys(h).length,
  );
const protocol = fc.constantFrom("HTTP/1.1", "RTSP/1.0", "HTTP/1.0");
const body = fc.uint8Array({ maxLength: 300 });
const target = fc
  .string({ unit: "grapheme", minLength: 1, maxLength: 40 })
  .filter((t) =>
    [...t].every((c) => (c.codePointAt(0) as number) > 0x20 && c !== "\x7f" && !/\s/u.test(c)),
  );
const request = fc.record({ method: token, uri: target, protocol, headers, body });
const response = fc.record({
  protocol,
  status: fc.integer({ min: 100, max: 999 }),
  reason: fc.string({ maxLength: 20 }).filter((r) => !/[\r\n\0]/.test(r)),
  headers,
  body,
});

/** Cuts bytes at the given fractions of its length. */
function split(data: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * data.length)))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const point of points) {
    pieces.push(data.subarray(from, point));
    from = point;
  }
  pieces.push(data.subarray(from));
  return pieces;
}

const lower = (h: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
const withLength = (h: Record<string, string>, length: number): Record<string, string> =>
  length > 0 ? { ...lower(h), "content-length": String(length) } : lower(h);
const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 });

function refusedOnly(parser: HttpRequestParser | HttpResponseParser, data: Uint8Array): void {
  try {
    parser.push(data);
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
  }
}

describe("codec properties", () => {
  it("requests round-trip through any split", () => {
    fc.assert(
      fc.property(fc.array(request, { minLength: 1, maxLength: 4 }), cuts, (requests, at) => {
        const wire = Buffer.concat(requests.map((r) => encodeRequest(r)));
        const parser = new HttpRequestParser();
        const out: HttpRequest[] = split(wire, at).flatMap((piece) => parser.push(piece));
        expect(out).toEqual(
          requests.map((r) => ({ ...r, headers: withLength(r.headers, r.body.length) })),
        );
        expect(parser.bufferedLength).toBe(0);
      }),
      { numRuns: 500 },
    );
  });

  it("responses round-trip through any split", () => {
    fc.assert(
      fc.property(fc.array(response, { minLength: 1, maxLength: 4 }), cuts, (responses, at) => {
        const wire = Buffer.concat(responses.map((r) => encodeResponse(r)));
        const parser = new HttpResponseParser();
        const out = split(wire, at).flatMap((piece) => parser.push(piece));
        expect(out).toEqual(
          responses.map((r) => ({ ...r, headers: withLength(r.headers, r.body.length) })),
        );
      }),
      { numRuns: 500 },
    );
  });

  it("random bytes parse or fail with ProtocolError", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 4 }), (chunks) => {
        const requests = new HttpRequestParser({ maxHeadLength: 256, maxBodyLength: 1024 });
        const responses = new HttpResponseParser({ maxHeadLength: 256, maxBodyLength: 1024 });
        for (const chunk of chunks) {
          refusedOnly(requests, chunk);
          refusedOnly(responses, chunk);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("mutated valid messages parse or fail with ProtocolError", () => {
    const seeds = [
      ...fc.sample(request, { numRuns: 20, seed: 7 }).map((r) => encodeRequest(r)),
      ...fc.sample(response, { numRuns: 20, seed: 8 }).map((r) => encodeResponse(r)),
      bytes("RTSP/1.0 200 OK\r\nContent-Length: 3\r\nCSeq: 2\r\n\r\nabc"),
    ];
    fc.assert(
      fc.property(mutatedFrom(seeds), cuts, (data, at) => {
        const requests = new HttpRequestParser();
        const responses = new HttpResponseParser();
        for (const piece of split(data, at)) {
          refusedOnly(requests, piece);
          refusedOnly(responses, piece);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
