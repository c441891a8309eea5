import { Agent } from "node:http";
import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { decodeDmap, dmapTag, first } from "../tags/index.js";
import { tinyPng } from "./artwork.js";
import { FakeDmapDevice, type FakeDmapDeviceOptions } from "./device.js";
import { DmapPlayStatus, type FakeDmapItem } from "./player.js";
import { FAKE_MAX_RECORDED, type FakeDmapEvent } from "./state.js";
import { httpCall, REMOTE_HEADERS, type TestRequestOptions } from "./test-client.js";

const GUID = "0x4D797FD3B0BA4C1E";
const HSGID = "00000000-1111-2222-3333-444444444444";
const SONGS: FakeDmapItem[] = [
  {
    title: "Prélude",
    artist: "Debussy",
    album: "Suite",
    genre: "Classical",
    totalTime: 290,
    mediaKind: 2,
    artwork: tinyPng(),
  },
  {
    title: "Menuet",
    artist: "Debussy",
    album: "Suite",
    genre: "Classical",
    totalTime: 300,
    mediaKind: 2,
  },
  { title: "Clair de lune", totalTime: 305, mediaKind: 3 },
];

let device: FakeDmapDevice | undefined;
const agents: Agent[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const agent of agents.splice(0)) agent.destroy();
  await device?.close();
  device = undefined;
});

async function startDevice(options: FakeDmapDeviceOptions = {}): Promise<FakeDmapDevice> {
  device = await FakeDmapDevice.start({
    pairingGuids: [GUID],
    homeSharingId: HSGID,
    items: SONGS,
    static: true,
    ...options,
  });
  return device;
}

/** A keep-alive client with a session, as pyatv's DaapRequester keeps one. */
async function loggedIn(target: FakeDmapDevice) {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  agents.push(agent);
  const login = await httpCall(target.port, `/login?pairing-guid=${GUID}&hasFP=1`, { agent });
  expect(login.status).toBe(200);
  const session = Number(first(decodeDmap(login.body), "mlog", "mlid"));
  const call = (path: string, options: TestRequestOptions = {}) => {
    const separator = path.includes("?") ? "&" : "?";
    return httpCall(target.port, `${path}${separator}session-id=${session}`, { agent, ...options });
  };
  const command = async (name: string) => {
    const answer = await call(`/ctrl-int/1/${name}?prompt-id=0`, { method: "POST" });
    expect(answer.status).toBe(204);
  };
  const status = async (revision = 0) => {
    const answer = await call(`/ctrl-int/1/playstatusupdate?revision-number=${revision}`);
    expect(answer.status).toBe(200);
    return decodeDmap(answer.body);
  };
  return { session, agent, call, command, status };
}

/** Waits, by round trips of other requests, until the device holds a poll. */
async function heldPoll(target: FakeDmapDevice, client: Awaited<ReturnType<typeof loggedIn>>) {
  while (target.state.waitingPolls === 0) {
    await client.call("/ctrl-int/1/getproperty?properties=dmcp.volume");
  }
}

/** cmvo from a cmgt body, read by hand: the tag table does not know getproperty's tags. */
function cmvoOf(body: Uint8Array): number | undefined {
  const text = Buffer.from(body);
  const at = text.indexOf("cmvo");
  return at < 0 ? undefined : text.readUInt32BE(at + 8);
}

describe("FakeDmapDevice login", () => {
  it("gives a paired GUID or the Home Sharing id a session, and refuses others", async () => {
    const target = await startDevice();
    const ok = await httpCall(target.port, `/login?pairing-guid=${GUID.toLowerCase()}&hasFP=1`);
    expect(ok.status).toBe(200);
    expect(ok.headers["content-type"]).toBe("application/x-dmap-tagged");
    expect(first(decodeDmap(ok.body), "mlog", "mlid")).toBeGreaterThan(0);
    const hs = await httpCall(target.port, `/login?hsgid=${HSGID}&hasFP=1`);
    expect(hs.status).toBe(200);

    for (const query of [
      "pairing-guid=0x0000000000000001",
      "pairing-guid=4D797FD3B0BA4C1E",
      "hsgid=00000000-1111-2222-3333-444444444445",
      "hasFP=1",
    ]) {
      expect((await httpCall(target.port, `/login?${query}`)).status).toBe(503);
    }
    expect(target.state.events.filter((e) => e.kind === "login")).toEqual([
      { kind: "login", method: "pairing_guid" },
      { kind: "login", method: "hsgid" },
    ]);
  });

  it("refuses clients that do not send a remote's headers", async () => {
    const target = await startDevice();
    const { "Viewer-Only-Client": _, ...noViewer } = REMOTE_HEADERS;
    const path = `/login?pairing-guid=${GUID}`;
    expect((await httpCall(target.port, path, { headers: noViewer })).status).toBe(403);
    const oldDaap = { ...REMOTE_HEADERS, "Client-DAAP-Version": "three" };
    expect((await httpCall(target.port, path, { headers: oldDaap })).status).toBe(403);
  });

  it("refuses ctrl-int requests without a live session, and after logout", async () => {
    const target = await startDevice();
    const playstatus = "/ctrl-int/1/playstatusupdate?revision-number=0";
    expect((await httpCall(target.port, playstatus)).status).toBe(403);
    expect((await httpCall(target.port, `${playstatus}&session-id=12345`)).status).toBe(403);
    expect((await httpCall(target.port, `${playstatus}&session-id=abc`)).status).toBe(403);
    const client = await loggedIn(target);
    await client.status();
    expect((await client.call("/logout")).status).toBe(204);
    expect((await client.call(playstatus)).status).toBe(403);
  });

  it("expires sessions left unused, and a new login works", async () => {
    let now = 1_000_000;
    const target = await startDevice({ sessionTimeout: 1000, now: () => now });
    const client = await loggedIn(target);
    await client.status();
    now += 900;
    await client.status();
    now += 1001;
    const expired = await client.call("/ctrl-int/1/playstatusupdate?revision-number=0");
    expect(expired.status).toBe(403);
    const again = await loggedIn(target);
    expect(again.session).not.toBe(client.session);
    await again.status();
  });

  it("answers server-info without a session, with the session timeout", async () => {
    const target = await startDevice({ name: "Kitchen", sessionTimeout: 1_800_000 });
    const answer = await httpCall(target.port, "/server-info");
    expect(answer.status).toBe(200);
    const nodes = decodeDmap(answer.body);
    expect(first(nodes, "msrv", "minm")).toBe("Kitchen");
    expect(first(nodes, "msrv", "mstm")).toBe(1800);
    expect((await httpCall(target.port, "/nowhere")).status).toBe(404);
  });
});

describe("FakeDmapDevice playstatusupdate", () => {
  it("answers revision 0 at once with what pyatv reads", async () => {
    const target = await startDevice();
    const { status } = await loggedIn(target);
    const nodes = await status();
    expect(first(nodes, "cmst", "caps")).toBe(DmapPlayStatus.Paused);
    expect(first(nodes, "cmst", "cann")).toBe("Prélude");
    expect(first(nodes, "cmst", "cana")).toBe("Debussy");
    expect(first(nodes, "cmst", "canl")).toBe("Suite");
    expect(first(nodes, "cmst", "cang")).toBe("Classical");
    expect(first(nodes, "cmst", "cast")).toBe(290_000);
    expect(first(nodes, "cmst", "cant")).toBe(290_000);
    expect(first(nodes, "cmst", "cmmk")).toBe(2);
    expect(first(nodes, "cmst", "cash")).toBe(0);
    expect(first(nodes, "cmst", "carp")).toBe(0);
    expect(first(nodes, "cmst", "cavc")).toBe(false);
    expect(first(nodes, "cmst", "cmsr")).toBe(target.state.revision);
  });

  it("holds a poll at the current revision until a command changes the state", async () => {
    const target = await startDevice();
    const client = await loggedIn(target);
    const revision = Number(first(await client.status(), "cmst", "cmsr"));
    let answered = false;
    const poll = client.status(revision).then((nodes) => {
      answered = true;
      return nodes;
    });
    await heldPoll(target, client);
    expect(answered).toBe(false);
    await client.command("play");
    const nodes = await poll;
    expect(first(nodes, "cmst", "caps")).toBe(DmapPlayStatus.Playing);
    expect(Number(first(nodes, "cmst", "cmsr"))).toBeGreaterThan(revision);
  });

  it("answers a held poll with the same state when its wait runs out", async () => {
    const target = await startDevice({ playStatusTimeout: 50 });
    const client = await loggedIn(target);
    const revision = Number(first(await client.status(), "cmst", "cmsr"));
    const nodes = await client.status(revision);
    expect(first(nodes, "cmst", "cmsr")).toBe(revision);
  });

  it("reports nothing playing without caps or an item", async () => {
    const target = await startDevice({ items: [] });
    const nodes = await (await loggedIn(target)).status();
    expect(first(nodes, "cmst", "caps")).toBeUndefined();
    expect(first(nodes, "cmst", "cann")).toBeUndefined();
    expect(first(nodes, "cmst", "cmsr")).toBeGreaterThan(0);
  });

  it("runs the position on while playing", async () => {
    let now = 5_000_000;
    const target = await startDevice({ static: false, playing: true, now: () => now });
    const client = await loggedIn(target);
    expect(first(await client.status(), "cmst", "cant")).toBe(290_000);
    now += 10_000;
    expect(first(await client.status(), "cmst", "cant")).toBe(280_000);
    await client.command("pause");
    now += 10_000;
    expect(first(await client.status(), "cmst", "cant")).toBe(280_000);
    // Past the end of an item the next one plays.
    await client.command("play");
    now += 290_000;
    const nodes = await client.status();
    expect(first(nodes, "cmst", "cann")).toBe("Menuet");
    expect(first(nodes, "cmst", "cant")).toBe(300_000 - 10_000);
  });
});

describe("FakeDmapDevice commands and properties", () => {
  it("obeys transport commands as a device does", async () => {
    const target = await startDevice();
    const { command, status } = await loggedIn(target);
    const caps = async () => first(await status(), "cmst", "caps");
    const title = async () => first(await status(), "cmst", "cann");
    await command("playpause");
    expect(await caps()).toBe(DmapPlayStatus.Playing);
    await command("playpause");
    expect(await caps()).toBe(DmapPlayStatus.Paused);
    await command("nextitem");
    expect(await title()).toBe("Menuet");
    await command("nextitem");
    await command("nextitem");
    expect(await title()).toBe("Prélude");
    await command("previtem");
    expect(await title()).toBe("Clair de lune");
    await command("beginff");
    expect(await caps()).toBe(DmapPlayStatus.FastForwarding);
    await command("playresume");
    expect(await caps()).toBe(DmapPlayStatus.Playing);
    await command("stop");
    expect(await caps()).toBe(DmapPlayStatus.Stopped);
    expect(target.state.events.filter((e) => e.kind === "command").map((e) => e.name)).toEqual([
      "play_pause",
      "play_pause",
      "next",
      "next",
      "next",
      "previous",
      "fast_forward",
      "play_resume",
      "stop",
    ]);
  });

  it("changes the volume only where it is controllable", async () => {
    const fixed = await startDevice();
    const a = await loggedIn(fixed);
    await a.command("volumeup");
    expect(fixed.state.volume).toBe(50);
    await fixed.close();

    const target = await startDevice({ volumeControl: true });
    const events: FakeDmapEvent[] = [];
    target.onEvent((e) => events.push(e));
    const { command, call, status } = await loggedIn(target);
    await command("volumeup");
    await command("volumeup");
    await command("volumedown");
    expect(target.state.volume).toBe(55);
    expect(first(await status(), "cmst", "cavc")).toBe(true);
    expect(
      (await call("/ctrl-int/1/setproperty?dmcp.volume=20.5", { method: "POST" })).status,
    ).toBe(204);
    const got = await call("/ctrl-int/1/getproperty?properties=dmcp.volume");
    expect(got.status).toBe(200);
    expect(cmvoOf(got.body)).toBe(21);
    expect(events.filter((e) => e.kind === "volume")).toEqual([
      { kind: "volume", level: 55 },
      { kind: "volume", level: 60 },
      { kind: "volume", level: 55 },
      { kind: "volume", level: 21 },
    ]);
  });

  it("sets shuffle, repeat and position, and refuses bad values", async () => {
    const target = await startDevice();
    const { call, status } = await loggedIn(target);
    const set = async (query: string) =>
      (await call(`/ctrl-int/1/setproperty?${query}`, { method: "POST" })).status;
    expect(await set("dacp.shufflestate=1")).toBe(204);
    expect(await set("dacp.repeatstate=2")).toBe(204);
    expect(await set("dacp.playingtime=100000")).toBe(204);
    const nodes = await status();
    expect(first(nodes, "cmst", "cash")).toBe(1);
    expect(first(nodes, "cmst", "carp")).toBe(2);
    expect(first(nodes, "cmst", "cant")).toBe(190_000);
    for (const bad of [
      "dacp.shufflestate=2",
      "dacp.repeatstate=3",
      "dacp.playingtime=-5",
      "dmcp.volume=101",
      "dmcp.volume=loud",
      "dacp.unknown=1",
      "",
    ]) {
      expect(await set(bad)).toBe(400);
    }
    // The position is clamped to the item.
    expect(await set("dacp.playingtime=999999999")).toBe(204);
    expect(first(await status(), "cmst", "cant")).toBe(0);
    expect(target.state.events.filter((e) => e.kind === "command")).toEqual([
      { kind: "command", name: "set_shuffle", value: 1 },
      { kind: "command", name: "set_repeat", value: 2 },
      { kind: "command", name: "set_position", value: 100 },
      { kind: "command", name: "set_position", value: 1_000_000 },
    ]);
  });

  it("serves the item's artwork as PNG, and 204 without one", async () => {
    const target = await startDevice();
    const { call, command } = await loggedIn(target);
    const art = await call("/ctrl-int/1/nowplayingartwork?mw=512&mh=0");
    expect(art.status).toBe(200);
    expect(art.headers["content-type"]).toBe("image/png");
    expect(art.body).toEqual(tinyPng());
    expect(target.state.lastArtworkRequest).toEqual({ width: 512, height: 0 });
    await command("nextitem");
    expect((await call("/ctrl-int/1/nowplayingartwork?mw=0&mh=0")).status).toBe(204);
    expect((await call("/ctrl-int/1/nowplayingartwork?mw=x&mh=0")).status).toBe(400);
  });
});

describe("FakeDmapDevice navigation", () => {
  /** pyatv's DmapRemoteControl._move body: cmcc 0x30 then the touch string. */
  const touch = (phase: string, time: number, x: number, y: number) =>
    Uint8Array.from([
      ...dmapTag.uint8("cmcc", 0x30),
      ...dmapTag.string("cmbe", `touch${phase}&time=${time}&point=${x},${y}`),
    ]);
  const swipe = (from: [number, number], to: [number, number]) => [
    touch("Down", 0, ...from),
    touch("Move", 1, (from[0] + to[0]) / 2, (from[1] + to[1]) / 2),
    touch("Up", 6, ...to),
  ];

  it("logs keys and swipes as buttons", async () => {
    const target = await startDevice();
    const { call } = await loggedIn(target);
    const prompt = async (body: Uint8Array) => {
      const answer = await call("/ctrl-int/1/controlpromptentry?prompt-id=0", {
        method: "POST",
        body,
      });
      expect(answer.status).toBe(204);
    };
    for (const key of ["select", "menu", "topmenu"]) {
      await prompt(Uint8Array.from([...dmapTag.string("cmbe", key), ...dmapTag.uint8("cmcc", 0)]));
    }
    // pyatv's up, down, left and right swipes (start and end points).
    for (const [from, to] of [
      [
        [20, 275],
        [20, 250],
      ],
      [
        [20, 250],
        [20, 275],
      ],
      [
        [75, 100],
        [50, 100],
      ],
      [
        [50, 100],
        [75, 100],
      ],
    ] as Array<[[number, number], [number, number]]>) {
      for (const body of swipe(from, to)) await prompt(body);
    }
    expect(target.state.events.filter((e) => e.kind === "button")).toEqual(
      ["select", "menu", "top_menu", "up", "down", "left", "right"].map((name) => ({
        kind: "button",
        name,
        action: "single_tap",
      })),
    );
    expect(target.state.prompts).toContain("touchUp&time=6&point=20,250");
  });

  it("refuses bodies that are not DMAP or carry no cmbe, and GET", async () => {
    const target = await startDevice();
    const { call } = await loggedIn(target);
    const path = "/ctrl-int/1/controlpromptentry?prompt-id=0";
    const post = (body: Uint8Array) => call(path, { method: "POST", body });
    expect((await post(Uint8Array.from([1, 2, 3]))).status).toBe(400);
    expect((await post(dmapTag.uint8("cmcc", 0))).status).toBe(400);
    expect((await call(path)).status).toBe(405);
    expect(target.state.events.filter((e) => e.kind === "button")).toEqual([]);
  });
});

describe("FakeDmapDevice limits", () => {
  it("refuses a body over the limit with 413", async () => {
    const target = await startDevice({ maxBodyBytes: 100 });
    const { call } = await loggedIn(target);
    const answer = await call("/ctrl-int/1/controlpromptentry?prompt-id=0", {
      method: "POST",
      body: dmapTag.string("cmbe", "x".repeat(200)),
    });
    expect(answer.status).toBe(413);
  });

  it("drops a client that stalls before finishing its headers", async () => {
    const target = await startDevice({ headersTimeout: 100 });
    const socket = connect(target.port, "127.0.0.1");
    sockets.push(socket);
    socket.on("error", () => {});
    socket.write("GET /server-info HTTP/1.1\r\nHost: x\r\n");
    await new Promise<void>((resolve) => socket.once("close", () => resolve()));
    expect(socket.destroyed).toBe(true);
  });

  it("closes a keep-alive connection left idle between requests", async () => {
    const target = await startDevice({ idleTimeout: 100 });
    const socket = connect(target.port, "127.0.0.1");
    sockets.push(socket);
    socket.on("error", () => {});
    const answered = new Promise<string>((resolve) =>
      socket.once("data", (data: Buffer) => resolve(data.toString("latin1"))),
    );
    socket.write("GET /server-info HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n");
    expect(await answered).toMatch(/^HTTP\/1\.1 200/);
    await new Promise<void>((resolve) => socket.once("close", () => resolve()));
    expect(socket.destroyed).toBe(true);
  });

  it("answers a held poll when it closes", async () => {
    const target = await startDevice();
    const client = await loggedIn(target);
    const revision = Number(first(await client.status(), "cmst", "cmsr"));
    const poll = client.status(revision);
    await heldPoll(target, client);
    const closing = target.close();
    expect(first(await poll, "cmst", "cmsr")).toBe(revision);
    await closing;
  });

  it("refuses connections beyond maxConnections", async () => {
    const target = await startDevice({ maxConnections: 2 });
    const agent = new Agent({ keepAlive: true, maxSockets: 2 });
    agents.push(agent);
    // Two requests at once hold both of the agent's sockets open afterwards.
    const answers = await Promise.all([
      httpCall(target.port, "/server-info", { agent }),
      httpCall(target.port, "/server-info", { agent }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const refused = await httpCall(target.port, "/server-info").then(
      () => "answered",
      (error: NodeJS.ErrnoException) => error.code,
    );
    expect(refused).toMatch(/ECONNRESET|EPIPE|socket hang up/);
  });

  it("keeps a bounded history of events", async () => {
    const target = await startDevice();
    for (let i = 0; i < FAKE_MAX_RECORDED + 5; i++) target.state.command("playpause");
    expect(target.state.events).toHaveLength(FAKE_MAX_RECORDED);
  });
});
