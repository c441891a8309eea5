import { readFileSync } from "node:fs";
import { RepeatState, ShuffleState } from "@atv/interface";
import { afterEach, describe, expect, it } from "vitest";
import { decodeDmap, dmapTag, first } from "../tags/index.js";
import { buttonBody, DmapCommands, touchBody } from "./commands.js";
import { DaapRequester } from "./daap-requester.js";
import { DmapHttpClient } from "./http-client.js";
import { DmapRemoteControl } from "./remote-control.js";
import { type Handler, playstatusAnswer, TestServer, withLogin } from "./test-server.js";

const vectors: { note: string; hex: string }[] = JSON.parse(
  readFileSync(new URL("../../../../../shared/vectors/dmap.json", import.meta.url), "utf8"),
).vectors;
const vectorHex = (start: string): string => {
  const found = vectors.find((v) => v.note.startsWith(start));
  if (!found) throw new Error(`no vector ${start}`);
  return found.hex;
};
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

describe("controlpromptentry bodies", () => {
  it("equal pyatv's bytes for a button", () => {
    expect(hex(buttonBody("select"))).toBe(vectorHex("client controlpromptentry body"));
  });

  it("equal pyatv's bytes for a touch", () => {
    expect(hex(touchBody("Up", 6, 20, 250))).toBe(vectorHex("client touch body"));
  });
});

describe("DmapRemoteControl", () => {
  let server: TestServer | undefined;
  let http: DmapHttpClient | undefined;

  afterEach(async () => {
    http?.close();
    await server?.close();
  });

  async function setUp(other?: Handler): Promise<{ server: TestServer; rc: DmapRemoteControl }> {
    server = await TestServer.start(withLogin(other));
    http = new DmapHttpClient({ host: "127.0.0.1", port: server.port });
    const commands = new DmapCommands(new DaapRequester(http, "0x0000000000000001"));
    return { server, rc: new DmapRemoteControl(commands) };
  }

  it.each([
    ["play", "play"],
    ["playPause", "playpause"],
    ["pause", "pause"],
    ["stop", "stop"],
    ["next", "nextitem"],
    ["previous", "previtem"],
    ["volumeUp", "volumeup"],
    ["volumeDown", "volumedown"],
  ] as const)("%s posts ctrl-int/1/%s", async (method, command) => {
    const { server, rc } = await setUp();
    await rc[method]();
    const [request] = server.to(`/ctrl-int/1/${command}`);
    expect(request?.method).toBe("POST");
    expect(request?.query.get("prompt-id")).toBe("0");
    expect(request?.query.get("session-id")).toBe("100");
    expect(request?.body.byteLength).toBe(0);
  });

  it.each([
    ["select", "select"],
    ["menu", "menu"],
    ["topMenu", "topmenu"],
  ] as const)("%s sends controlpromptentry %s", async (method, button) => {
    const { server, rc } = await setUp();
    await rc[method]();
    const [request] = server.to("/ctrl-int/1/controlpromptentry");
    expect(request?.query.get("prompt-id")).toBe("0");
    expect(hex(request?.body ?? new Uint8Array())).toBe(hex(buttonBody(button)));
    const nodes = decodeDmap(request?.body ?? new Uint8Array());
    expect(first(nodes, "cmbe")).toBe(button);
  });

  it.each([
    ["up", "touchUp&time=6&point=20,250"],
    ["down", "touchUp&time=6&point=20,275"],
    ["left", "touchUp&time=7&point=50,100"],
    ["right", "touchUp&time=7&point=75,100"],
  ] as const)("%s swipes in seven touches", async (method, last) => {
    const { server, rc } = await setUp();
    await rc[method]();
    const touches = server
      .to("/ctrl-int/1/controlpromptentry")
      .map((request) => decodeDmap(request.body));
    expect(touches).toHaveLength(7);
    expect(first(touches[0] ?? [], "cmbe")).toMatch(/^touchDown&time=0&point=/);
    expect(first(touches[6] ?? [], "cmbe")).toBe(last);
    expect(touches.every((t) => first(t, "cmcc") === "0")).toBe(true);
  });

  it("sets position, shuffle and repeat through setproperty", async () => {
    const { server, rc } = await setUp();
    await rc.setPosition(42.7);
    await rc.setShuffle(ShuffleState.Albums);
    await rc.setShuffle(ShuffleState.Off);
    await rc.setRepeat(RepeatState.All);
    const queries = server.to("/ctrl-int/1/setproperty").map((r) => r.query);
    expect(queries.map((q) => q.get("dacp.playingtime"))).toEqual(["42000", null, null, null]);
    expect(queries.map((q) => q.get("dacp.shufflestate"))).toEqual([null, "1", "0", null]);
    expect(queries[3]?.get("dacp.repeatstate")).toBe("2");
    expect(queries.every((q) => q.get("session-id") === "100")).toBe(true);
  });

  it("skips by seeking from the current position", async () => {
    const { server, rc } = await setUp(() => ({
      body: playstatusAnswer(
        dmapTag.uint32("caps", 4),
        dmapTag.uint32("cast", 100_000),
        dmapTag.uint32("cant", 60_000),
      ),
    }));
    await rc.skipForward();
    await rc.skipBackward(5.9);
    const times = server.to("/ctrl-int/1/setproperty").map((r) => r.query.get("dacp.playingtime"));
    expect(times).toEqual(["50000", "35000"]);
  });

  it("does not skip when nothing has a position", async () => {
    const { server, rc } = await setUp(() => ({
      body: playstatusAnswer(dmapTag.uint32("caps", 2)),
    }));
    await rc.skipForward(10);
    expect(server.to("/ctrl-int/1/setproperty")).toHaveLength(0);
  });
});
