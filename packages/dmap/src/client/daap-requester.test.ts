import { formatWithOptions } from "node:util";
import {
  AuthenticationError,
  HttpError,
  InvalidCredentialsError,
  InvalidDmapDataError,
  NotSupportedError,
  ProtocolError,
} from "@atv/interface";
import { afterEach, describe, expect, it } from "vitest";
import { dmapTag } from "../tags/index.js";
import { DaapRequester, DMAP_HEADERS, loginParameter } from "./daap-requester.js";
import { DmapHttpClient } from "./http-client.js";
import { type Handler, loginAnswer, type RecordedRequest, TestServer } from "./test-server.js";

const GUID = "0x0000000000000001";
const HSGID = "12345678-1234-1234-1234-123456789ABC";

describe("loginParameter", () => {
  it("takes a pairing GUID or a Home Sharing id, as pyatv", () => {
    expect(loginParameter(GUID)).toBe(`pairing-guid=${GUID}`);
    expect(loginParameter(HSGID)).toBe(`hsgid=${HSGID}`);
  });

  it("refuses anything else with InvalidCredentialsError", () => {
    for (const bad of ["", "0x123", "pairing", "12345678-1234-1234-1234"]) {
      expect(() => loginParameter(bad)).toThrow(InvalidCredentialsError);
    }
  });
});

describe("DaapRequester", () => {
  let server: TestServer | undefined;
  let http: DmapHttpClient | undefined;

  afterEach(async () => {
    http?.close();
    await server?.close();
  });

  // A device that logs in with session ids 100, 101, ... and answers other paths with `other`.
  async function setUp(
    other: Handler = () => ({}),
    loginId = GUID,
  ): Promise<{ server: TestServer; requester: DaapRequester }> {
    let session = 100;
    server = await TestServer.start((request) =>
      request.path === "/login" ? { body: loginAnswer(session++) } : other(request),
    );
    http = new DmapHttpClient({ host: "127.0.0.1", port: server.port });
    return { server, requester: new DaapRequester(http, loginId) };
  }

  it("logs in with the pairing GUID and pyatv's headers, keeping the session id", async () => {
    const { server, requester } = await setUp();
    expect(await requester.login()).toBe(100);
    expect(requester.sessionId).toBe(100);
    const [login] = server.requests as [RecordedRequest];
    expect(login.method).toBe("GET");
    expect(login.query.get("pairing-guid")).toBe(GUID);
    expect(login.query.get("hasFP")).toBe("1");
    expect(login.query.has("session-id")).toBe(false);
    for (const [name, value] of Object.entries(DMAP_HEADERS)) {
      expect(login.headers[name.toLowerCase()]).toBe(value);
    }
  });

  it("logs in with a Home Sharing id", async () => {
    const { server, requester } = await setUp(undefined, HSGID);
    await requester.login();
    expect(server.requests[0]?.query.get("hsgid")).toBe(HSGID);
  });

  it("logs in before the first request and appends the session id to every request", async () => {
    const { server, requester } = await setUp(() => ({ body: dmapTag.uint8("cmcc", 1) }));
    const nodes = await requester.get("ctrl-int/1/playstatusupdate?[AUTH]&revision-number=0");
    expect(nodes[0]?.tag).toBe("cmcc");
    await requester.post("ctrl-int/1/pause?[AUTH]&prompt-id=0");
    expect(server.to("/login")).toHaveLength(1);
    const [get] = server.to("/ctrl-int/1/playstatusupdate");
    expect(get?.query.get("session-id")).toBe("100");
    expect(get?.query.get("revision-number")).toBe("0");
    const [post] = server.to("/ctrl-int/1/pause");
    expect(post?.method).toBe("POST");
    expect(post?.query.get("session-id")).toBe("100");
    expect(post?.query.get("prompt-id")).toBe("0");
    expect(post?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(post?.headers["viewer-only-client"]).toBe("1");
  });

  it("sends a POST body as given", async () => {
    const { server, requester } = await setUp();
    const body = dmapTag.string("cmbe", "menu");
    await requester.post("ctrl-int/1/controlpromptentry?[AUTH]&prompt-id=0", { body });
    expect([...(server.to("/ctrl-int/1/controlpromptentry")[0]?.body ?? [])]).toEqual([...body]);
  });

  it("shares one login between requests made at once", async () => {
    const { server, requester } = await setUp();
    await Promise.all([requester.post("a?[AUTH]"), requester.post("b?[AUTH]")]);
    expect(server.to("/login")).toHaveLength(1);
  });

  it("logs in again once when a request is refused, and retries with the new session", async () => {
    let refuse = true;
    const { server, requester } = await setUp((request) => {
      if (request.path !== "/ctrl-int/1/play") return {};
      if (refuse) {
        refuse = false;
        return { status: 403 };
      }
      return {};
    });
    await requester.post("ctrl-int/1/play?[AUTH]&prompt-id=0");
    expect(server.to("/login")).toHaveLength(2);
    expect(server.to("/ctrl-int/1/play").map((r) => r.query.get("session-id"))).toEqual([
      "100",
      "101",
    ]);
  });

  it("fails with AuthenticationError when the retry is refused too", async () => {
    const { server, requester } = await setUp(() => ({ status: 403 }));
    await expect(requester.post("ctrl-int/1/play?[AUTH]")).rejects.toBeInstanceOf(
      AuthenticationError,
    );
    expect(server.to("/ctrl-int/1/play")).toHaveLength(2);
    expect(server.to("/login")).toHaveLength(2);
  });

  it.each([403, 503])(
    "fails with AuthenticationError when login is refused (%d)",
    async (status) => {
      server = await TestServer.start(() => ({ status }));
      http = new DmapHttpClient({ host: "127.0.0.1", port: server.port });
      const requester = new DaapRequester(http, GUID);
      await expect(requester.post("ctrl-int/1/play?[AUTH]")).rejects.toBeInstanceOf(
        AuthenticationError,
      );
      expect(server.to("/login")).toHaveLength(1);
      expect(server.to("/ctrl-int/1/play")).toHaveLength(0);
    },
  );

  it("reports another error status as HttpError, without logging in again", async () => {
    const { server, requester } = await setUp(() => ({ status: 404 }));
    const failure = requester.post("ctrl-int/1/nosuchcommand?[AUTH]");
    await expect(failure).rejects.toBeInstanceOf(HttpError);
    await expect(failure).rejects.toMatchObject({ statusCode: 404 });
    expect(server.to("/login")).toHaveLength(1);
  });

  it("takes a 500 for a command the device does not support now (NotSupportedError)", async () => {
    const { server, requester } = await setUp(() => ({ status: 500 }));
    await expect(requester.post("ctrl-int/1/stop?[AUTH]")).rejects.toBeInstanceOf(
      NotSupportedError,
    );
    expect(server.to("/login")).toHaveLength(1);
  });

  it("rejects a body that is not DMAP with InvalidDmapDataError", async () => {
    const { requester } = await setUp(() => ({ body: Uint8Array.of(1, 2, 3) }));
    await expect(requester.get("x?[AUTH]")).rejects.toBeInstanceOf(InvalidDmapDataError);
  });

  it("rejects a login answer without a session id with ProtocolError", async () => {
    server = await TestServer.start(() => ({ body: dmapTag.container("mlog") }));
    http = new DmapHttpClient({ host: "127.0.0.1", port: server.port });
    await expect(new DaapRequester(http, GUID).login()).rejects.toBeInstanceOf(ProtocolError);
  });

  it("gives a non-DMAP body as it came", async () => {
    const { requester } = await setUp(() => ({ body: Uint8Array.of(0x89, 0x50) }));
    expect([...(await requester.getRaw("art?[AUTH]"))]).toEqual([0x89, 0x50]);
  });

  it("prints each answer's tags to the debug log", async () => {
    const lines: string[] = [];
    server = await TestServer.start((request) =>
      request.path === "/login"
        ? { body: loginAnswer(7) }
        : { body: dmapTag.container("cmst", dmapTag.uint32("caps", 4)) },
    );
    http = new DmapHttpClient({ host: "127.0.0.1", port: server.port });
    const logged = new DaapRequester(http, GUID, {
      debug: (message, ...args) => lines.push(formatWithOptions({}, message, ...args)),
    });
    await logged.get("ctrl-int/1/playstatusupdate?[AUTH]");
    expect(lines).toContain(
      "dmap: ctrl-int/1/playstatusupdate answered:\ncmst: [container, dmcp.playstatus]\n  caps: 4 [uint, dacp.playstatus]",
    );
  });
});
