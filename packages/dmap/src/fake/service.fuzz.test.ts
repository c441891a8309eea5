import { Agent } from "node:http";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeDmap, dmapTag, first } from "../tags/index.js";
import { FakeDmapDevice } from "./device.js";
import { httpCall } from "./test-client.js";

const GUID = "0x0000000000000001";

describe("FakeDmapDevice under random requests", () => {
  let device: FakeDmapDevice;
  let session: number;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });

  beforeAll(async () => {
    device = await FakeDmapDevice.start({
      pairingGuids: [GUID],
      items: [{ title: "t", totalTime: 10 }],
      static: true,
      maxBodyBytes: 4096,
    });
    const login = await httpCall(device.port, `/login?pairing-guid=${GUID}`, { agent });
    session = Number(first(decodeDmap(login.body), "mlog", "mlid"));
  });

  afterAll(async () => {
    agent.destroy();
    await device.close();
  });

  const post = (path: string, body?: Uint8Array) =>
    httpCall(device.port, `${path}&session-id=${session}`, { method: "POST", body, agent });

  it("answers random and mutated controlpromptentry bodies with 204 or 400", async () => {
    const valid = Uint8Array.from([
      ...dmapTag.uint8("cmcc", 0x30),
      ...dmapTag.string("cmbe", "touchUp&time=6&point=20,250"),
    ]);
    const mutated = fc
      .tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 }))
      .map(([at, byte]) => Uint8Array.from(valid, (b, i) => (i === at ? byte : b)));
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 64 }), mutated), async (body) => {
        const answer = await post("/ctrl-int/1/controlpromptentry?prompt-id=0", body);
        expect([204, 400]).toContain(answer.status);
      }),
      { numRuns: 60 },
    );
  });

  it("answers random setproperty queries with 204 or 400", async () => {
    const name = fc.constantFrom(
      "dacp.playingtime",
      "dacp.shufflestate",
      "dacp.repeatstate",
      "dmcp.volume",
      "x",
    );
    await fc.assert(
      fc.asyncProperty(name, fc.string({ maxLength: 12 }), async (key, value) => {
        const query = `${key}=${encodeURIComponent(value)}`;
        const answer = await post(`/ctrl-int/1/setproperty?${query}`);
        expect([204, 400]).toContain(answer.status);
        expect(device.state.volume).toBeGreaterThanOrEqual(0);
        expect(device.state.volume).toBeLessThanOrEqual(100);
      }),
      { numRuns: 60 },
    );
  });
});
