// Fuzzing what a v2 receiver reads: SETUP plists (pure parsers and over a verified,
// encrypted connection) and sealed audio packets. Nothing may throw but the typed errors,
// and the receiver goes on serving.

import { ProtocolError } from "@atv/interface";
import { encodePlist, type PlistDictionary, type PlistValue } from "@atv/plist";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeAudioHeader, l16ToPcm, pcmToL16, sealAudioPacketV2 } from "../wire/index.js";
import { FakeRaopReceiver } from "./receiver.js";
import { RaopV2TestClient, sessionSetupBody, streamSetupBody } from "./test-client-v2.js";
import { unsealAudio } from "./v2-audio.js";
import { parseSessionSetup, parseStreamSetup, readSetupBody } from "./v2-setup.js";

const KEY = new Uint8Array(32).map((_, i) => i * 7);

const plistLeaf: fc.Arbitrary<PlistValue> = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer({ min: -5, max: 70_000 }),
  fc.constantFrom(0x60, 96, 1, 2, 352, 44100, 0x800, 0x40000),
  fc.boolean(),
  fc.uint8Array({ maxLength: 40 }),
  fc.constant(KEY),
);
const plistValue: fc.Arbitrary<PlistValue> = fc.oneof(
  { weight: 4, arbitrary: plistLeaf },
  { weight: 1, arbitrary: fc.array(plistLeaf, { maxLength: 2 }) },
);

/** A valid body with some keys replaced, removed or added. */
function mutatedDict(valid: PlistDictionary): fc.Arbitrary<PlistDictionary> {
  const keys = Object.keys(valid);
  return fc
    .array(
      fc.tuple(
        fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 6 })),
        plistValue,
        fc.boolean(),
      ),
      { maxLength: 4 },
    )
    .map((edits) => {
      const out: PlistDictionary = { ...valid };
      for (const [key, value, remove] of edits) {
        if (remove) delete out[key];
        else out[key] = value;
      }
      return out;
    });
}

const SESSION = sessionSetupBody(6000);
const STREAM = (streamSetupBody(KEY, 6001).streams as PlistDictionary[])[0] as PlistDictionary;
const sessions = mutatedDict(SESSION);
const streams = mutatedDict(STREAM).map((stream) => ({ streams: [stream] }) as PlistDictionary);

describe("v2 SETUP parsers", () => {
  it("take the bodies pyatv sends", () => {
    expect(parseSessionSetup(SESSION)).toMatchObject({ ok: true, session: { timingPort: 6000 } });
    expect(parseStreamSetup({ streams: [STREAM] })).toMatchObject({
      ok: true,
      stream: { format: "l16", framesPerPacket: 352, key: KEY, controlPort: 6001 },
    });
  });

  it("never throw, and what they accept is well-formed", () => {
    fc.assert(
      fc.property(sessions, (setup) => {
        const result = parseSessionSetup(setup);
        if (!result.ok) {
          expect([400, 501]).toContain(result.status);
          return;
        }
        expect(setup.timingProtocol).toBe("NTP");
        expect(result.session.timingPort).toBeGreaterThanOrEqual(1);
        expect(result.session.timingPort).toBeLessThanOrEqual(65535);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(streams, (setup) => {
        const result = parseStreamSetup(setup);
        if (!result.ok) {
          expect([400, 415, 501]).toContain(result.status);
          return;
        }
        const [stream] = setup.streams as PlistDictionary[];
        expect(stream?.type).toBe(96);
        expect(result.stream.key).toHaveLength(32);
        expect(result.stream.framesPerPacket).toBe(352);
        expect(result.stream.format === "l16" ? 1 : 2).toBe(stream?.ct);
      }),
      { numRuns: 500 },
    );
  });

  it("read any bytes as a body or refuse them with 400", () => {
    const valid = encodePlist(SESSION);
    const mutated = fc
      .array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 })
      .map((edits) => {
        const bytes = valid.slice();
        for (const [at, value] of edits) bytes[at % bytes.length] = value;
        return bytes;
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), mutated), (bytes) => {
        const result = readSetupBody(bytes);
        if (!result.ok) expect(result.status).toBe(400);
        else expect(typeof result.value).toBe("object");
      }),
      { numRuns: 500 },
    );
  });
});

describe("v2 audio packets", () => {
  const pcm = new Uint8Array(1408).map((_, i) => (i * 31) & 0xff);
  const header = encodeAudioHeader({ marker: true, seqno: 9, timestamp: 66150, ssrc: 0x1234 });
  const sealed = sealAudioPacketV2(KEY, 5, header, pcmToL16(pcm));

  it("opens a sealed packet back into the plain RTP packet", () => {
    const plain = unsealAudio(KEY, sealed);
    expect(plain.subarray(0, 12)).toEqual(header);
    expect(l16ToPcm(plain.subarray(12))).toEqual(pcm);
  });

  it("refuses any tampering of what is authenticated, with a ProtocolError", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.nat({ max: 40 }),
        (edits, cut) => {
          const bytes = sealed.slice(0, sealed.length - (cut % 5 === 0 ? cut : 0));
          for (const [at, flip] of edits) {
            const i = at % bytes.length;
            bytes[i] = (bytes[i] as number) ^ flip;
          }
          let plain: Uint8Array;
          try {
            plain = unsealAudio(KEY, bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(ProtocolError);
            return;
          }
          // Only the first 4 header bytes (version, type, seqno) are not authenticated.
          expect(bytes.length).toBe(sealed.length);
          expect(bytes.subarray(4)).toEqual(sealed.subarray(4));
          expect(l16ToPcm(plain.subarray(12))).toEqual(pcm);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("v2 receiver fuzz over an encrypted connection", () => {
  let fake: FakeRaopReceiver;
  let client: RaopV2TestClient;
  beforeAll(async () => {
    fake = await FakeRaopReceiver.start({ version: "v2" });
    client = await RaopV2TestClient.connect(fake.port);
    await client.verify();
  });
  afterAll(async () => {
    client.close();
    await fake.close();
  });

  it("answers mutated SETUP plists with a status and keeps the connection", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(sessions, streams), async (body) => {
        // A stream SETUP is read only in a session: set one up first.
        if ("streams" in body) {
          expect((await client.request("SETUP", { body: SESSION })).status).toBe(200);
        }
        const answer = await client.request("SETUP", { body });
        expect([200, 400, 415, 501]).toContain(answer.status);
        // Start again for the next run.
        expect((await client.request("TEARDOWN")).status).toBe(200);
      }),
      { numRuns: 150 },
    );
    expect(client.connection.closed).toBe(false);
    expect((await client.request("OPTIONS", { uri: "*" })).status).toBe(200);
  }, 60_000);
});
