import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decideRange } from "./byte-range.js";
import { FileServer } from "./file-server.js";
import { localAddressReaching } from "./local-address.js";
import { mediaTypeFor } from "./media-types.js";

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One request over a real socket, without fetch's own handling of ranges or redirects. */
function get(url: string, headers: Record<string, string> = {}, method = "GET"): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("decideRange", () => {
  it("answers the forms of RFC 9110 for a 100-byte file", () => {
    expect(decideRange(undefined, 100)).toEqual({ kind: "full" });
    expect(decideRange("bytes=0-9", 100)).toEqual({ kind: "partial", start: 0, end: 9 });
    expect(decideRange("bytes=90-", 100)).toEqual({ kind: "partial", start: 90, end: 99 });
    expect(decideRange("bytes=-10", 100)).toEqual({ kind: "partial", start: 90, end: 99 });
    expect(decideRange("bytes=-500", 100)).toEqual({ kind: "partial", start: 0, end: 99 });
    expect(decideRange("bytes=50-5000", 100)).toEqual({ kind: "partial", start: 50, end: 99 });
    expect(decideRange("bytes=100-", 100)).toEqual({ kind: "unsatisfiable" });
    expect(decideRange("bytes=100-200", 100)).toEqual({ kind: "unsatisfiable" });
    expect(decideRange("bytes=-0", 100)).toEqual({ kind: "unsatisfiable" });
    expect(decideRange("bytes=0-", 0)).toEqual({ kind: "unsatisfiable" });
    // Ignored: other units, bad syntax, several ranges.
    expect(decideRange("items=0-1", 100)).toEqual({ kind: "full" });
    expect(decideRange("bytes=9-1", 100)).toEqual({ kind: "full" });
    expect(decideRange("bytes=a-b", 100)).toEqual({ kind: "full" });
    expect(decideRange("bytes=-", 100)).toEqual({ kind: "full" });
    expect(decideRange("bytes=0-1,5-6", 100)).toEqual({ kind: "full" });
  });

  it("always gives a range inside the file, for any header", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.stringMatching(/^bytes=\d{0,4}-\d{0,4}$/)),
        fc.nat(10_000),
        (header, size) => {
          const decision = decideRange(header, size);
          if (decision.kind === "partial") {
            expect(decision.start).toBeGreaterThanOrEqual(0);
            expect(decision.end).toBeGreaterThanOrEqual(decision.start);
            expect(decision.end).toBeLessThan(size);
          }
        },
      ),
    );
  });
});

describe("mediaTypeFor", () => {
  it("knows the media extensions, in any case, and defaults to octet-stream", () => {
    expect(mediaTypeFor("/a/b/film.MP4")).toBe("video/mp4");
    expect(mediaTypeFor("song.m4a")).toBe("audio/mp4");
    expect(mediaTypeFor("list.m3u8")).toBe("application/vnd.apple.mpegurl");
    expect(mediaTypeFor("photo.jpg")).toBe("image/jpeg");
    expect(mediaTypeFor("/dir.mp4/noextension")).toBe("application/octet-stream");
    expect(mediaTypeFor(".mp4")).toBe("application/octet-stream");
    expect(mediaTypeFor("notes.txt")).toBe("application/octet-stream");
  });
});

describe("FileServer", () => {
  let dir: string;
  let file: string;
  const content = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) % 256));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "atv-file-server-"));
    file = join(dir, "clip.mp4");
    await writeFile(file, content);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("serves the whole file, ranges, HEAD, 416 and 404 over loopback", async () => {
    const server = await FileServer.start(file);
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32}\.mp4$/);

      const whole = await get(server.url);
      expect(whole.status).toBe(200);
      expect(whole.headers["content-type"]).toBe("video/mp4");
      expect(whole.headers["accept-ranges"]).toBe("bytes");
      expect(whole.headers["content-length"]).toBe("1000");
      expect(whole.body.equals(content)).toBe(true);

      const middle = await get(server.url, { Range: "bytes=10-19" });
      expect(middle.status).toBe(206);
      expect(middle.headers["content-range"]).toBe("bytes 10-19/1000");
      expect(middle.body.equals(content.subarray(10, 20))).toBe(true);

      const tail = await get(server.url, { Range: "bytes=990-" });
      expect(tail.status).toBe(206);
      expect(tail.body.equals(content.subarray(990))).toBe(true);

      const suffix = await get(server.url, { Range: "bytes=-5" });
      expect(suffix.status).toBe(206);
      expect(suffix.headers["content-range"]).toBe("bytes 995-999/1000");
      expect(suffix.body.equals(content.subarray(995))).toBe(true);

      const outside = await get(server.url, { Range: "bytes=1000-" });
      expect(outside.status).toBe(416);
      expect(outside.headers["content-range"]).toBe("bytes */1000");

      const head = await get(server.url, {}, "HEAD");
      expect(head.status).toBe(200);
      expect(head.headers["content-length"]).toBe("1000");
      expect(head.body.length).toBe(0);

      const post = await get(server.url, {}, "POST");
      expect(post.status).toBe(405);

      const other = new URL(server.url);
      expect((await get(`${other.origin}/clip.mp4`)).status).toBe(404);
      expect((await get(`${other.origin}/`)).status).toBe(404);
      expect((await get(`${other.origin}${other.pathname}x`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it("gives another unguessable path to every server and stops on close", async () => {
    const first = await FileServer.start(file);
    const second = await FileServer.start(file);
    expect(new URL(first.url).pathname).not.toBe(new URL(second.url).pathname);
    const body = (await get(second.url)).body;
    expect(createHash("sha256").update(body).digest("hex")).toBe(
      createHash("sha256").update(content).digest("hex"),
    );
    await first.close();
    await second.close();
    await expect(get(first.url)).rejects.toThrow();
    // Closing twice is harmless.
    await first.close();
  });

  it("answers 404 once the file is gone", async () => {
    const gone = join(dir, "gone.mp4");
    await writeFile(gone, "x");
    const server = await FileServer.start(gone);
    try {
      await rm(gone);
      expect((await get(server.url)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it("refuses to start with an aborted signal", async () => {
    await expect(FileServer.start(file, { signal: AbortSignal.abort() })).rejects.toThrow();
  });
});

describe("localAddressReaching", () => {
  it("answers 127.0.0.1 for loopback hosts", async () => {
    expect(await localAddressReaching("127.0.0.1")).toBe("127.0.0.1");
    expect(await localAddressReaching("127.1.2.3")).toBe("127.0.0.1");
    expect(await localAddressReaching("::1")).toBe("127.0.0.1");
    expect(await localAddressReaching("localhost")).toBe("127.0.0.1");
  });

  it("answers a local address for another host without sending anything", async () => {
    // A documentation address (RFC 5737): routed by the default route if there is one.
    const address = await localAddressReaching("192.0.2.1").catch((error: unknown) => error);
    if (typeof address === "string") expect(address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    else expect((address as NodeJS.ErrnoException).code).toMatch(/^E/);
  });
});
