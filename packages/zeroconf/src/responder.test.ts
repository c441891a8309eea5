import type { Socket } from "node:dgram";
import { InvalidConfigError } from "@atv/interface";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loopbackUdpSocket } from "../../../scripts/udp-test-support.js";
import { type DnsMessage, type DnsQuestion, decodeMessage, encodeMessage } from "./codec.js";
import { buildResponse } from "./parser.js";
import { type ReceivedAnnouncement, ZeroconfResponder } from "./responder.js";
import { answerQuestions, type PublishedService } from "./responder-answers.js";
import { AIRPLAY_TYPE, DEVICE_INFO_TYPE, MRP_TYPE } from "./test-fixtures.js";
import { encodeTxt } from "./txt.js";
import { RecordType } from "./wire.js";

const airplay: PublishedService = {
  type: AIRPLAY_TYPE,
  name: "Kitchen",
  port: 7000,
  host: "Kitchen.local",
  address: "10.0.0.5",
  txt: encodeTxt({ deviceid: "AA:BB:CC:DD:EE:FF" }),
};
const info: PublishedService = {
  type: DEVICE_INFO_TYPE,
  name: "Kitchen",
  port: undefined,
  host: "Kitchen.local",
  address: "10.0.0.5",
  txt: encodeTxt({ model: "J305AP" }),
};

const q = (name: string, type: number): DnsQuestion => ({ name, type });

describe("answerQuestions", () => {
  it("answers a type's PTR with SRV, TXT and A as additionals", () => {
    const { answers, additionals } = answerQuestions(
      [airplay, info],
      [q(AIRPLAY_TYPE, RecordType.PTR)],
    );
    expect(answers.map((r) => [r.type, r.name])).toEqual([["PTR", AIRPLAY_TYPE]]);
    expect(additionals.map((r) => [r.type, r.name])).toEqual([
      ["SRV", `Kitchen.${AIRPLAY_TYPE}`],
      ["TXT", `Kitchen.${AIRPLAY_TYPE}`],
      ["A", "Kitchen.local"],
    ]);
  });

  it("answers _device-info with PTR and TXT only", () => {
    const { answers, additionals } = answerQuestions([info], [q(DEVICE_INFO_TYPE, RecordType.PTR)]);
    expect([...answers, ...additionals].map((r) => r.type)).toEqual(["PTR", "TXT"]);
  });

  it("enumerates service types", () => {
    const { answers } = answerQuestions(
      [airplay, info, { ...airplay, name: "Den" }],
      [q("_services._dns-sd._udp.local", RecordType.PTR)],
    );
    expect(answers.map((r) => r.type === "PTR" && r.target)).toEqual([
      AIRPLAY_TYPE,
      DEVICE_INFO_TYPE,
    ]);
  });

  it("answers ANY for an instance with SRV and TXT, and A for its host, case-insensitively", () => {
    const { answers, additionals } = answerQuestions(
      [airplay],
      [q(`kitchen.${AIRPLAY_TYPE}`.toUpperCase(), RecordType.ANY)],
    );
    expect(answers.map((r) => r.type)).toEqual(["SRV", "TXT"]);
    expect(additionals.map((r) => r.type)).toEqual(["A"]);
    expect(answerQuestions([airplay], [q("kitchen.local", RecordType.A)]).answers).toHaveLength(1);
  });

  it("never repeats an answer as an additional, and answers nothing it does not have", () => {
    const { answers, additionals } = answerQuestions(
      [airplay],
      [q(AIRPLAY_TYPE, RecordType.PTR), q(`Kitchen.${AIRPLAY_TYPE}`, RecordType.SRV)],
    );
    expect(answers.map((r) => r.type)).toEqual(["PTR", "SRV"]);
    expect(additionals.map((r) => r.type)).toEqual(["TXT", "A"]);
    expect(answerQuestions([airplay], [q(MRP_TYPE, RecordType.PTR)]).answers).toEqual([]);
    expect(answerQuestions([airplay], [q(AIRPLAY_TYPE, RecordType.TXT)]).answers).toEqual([]);
  });
});

describe("ZeroconfResponder", () => {
  let responder: ZeroconfResponder;
  let client: Socket;

  beforeEach(async () => {
    responder = await ZeroconfResponder.start({ address: "127.0.0.1", port: 0 });
    client = await loopbackUdpSocket();
  });

  afterEach(async () => {
    client.close();
    await responder.close();
  });

  function ask(packet: Uint8Array): Promise<DnsMessage> {
    return new Promise((resolve, reject) => {
      client.once("message", (data) => {
        const result = decodeMessage(data);
        if (result.ok) resolve(result.message);
        else reject(result.error);
      });
      client.send(packet, responder.port, "127.0.0.1");
    });
  }

  it("binds a free port on loopback and does not multicast there", () => {
    expect(responder.port).toBeGreaterThan(0);
    expect(responder.multicast).toBe(false);
  });

  it("stays unicast on loopback even when asked to multicast", async () => {
    const other = await ZeroconfResponder.start({ address: "127.0.0.1", port: 0, multicast: true });
    expect(other.multicast).toBe(false);
    await other.close();
  });

  it("answers a legacy unicast query with its id and questions echoed, TTLs capped at 10 s", async () => {
    responder.publish({
      type: MRP_TYPE,
      name: "Living Room",
      port: 49152,
      properties: { Name: "Living Room" },
    });
    const questions = [{ name: MRP_TYPE, type: RecordType.PTR, unicastResponse: true }];
    const reply = await ask(encodeMessage({ id: 0x35ff, isResponse: false, questions }));
    expect(reply.isResponse).toBe(true);
    expect(reply.id).toBe(0x35ff);
    expect(reply.questions).toEqual(questions);
    for (const record of [...reply.answers, ...reply.additionals]) {
      expect(record.ttl).toBeLessThanOrEqual(10);
      expect(record.cacheFlush).toBe(false);
    }
    const response = buildResponse("127.0.0.1", [reply]);
    expect(response.services).toHaveLength(1);
    expect(response.services[0]).toMatchObject({
      type: MRP_TYPE,
      name: "Living Room",
      port: 49152,
      // The A record defaults to the responder's own address.
      address: "127.0.0.1",
    });
    expect(response.services[0]?.properties.get("name")).toBe("Living Room");
  });

  it("publishes _device-info with only a TXT record", async () => {
    responder.publish({
      type: DEVICE_INFO_TYPE,
      name: "Living Room",
      properties: { model: "J305AP" },
    });
    const reply = await ask(
      encodeMessage({
        isResponse: false,
        questions: [{ name: DEVICE_INFO_TYPE, type: RecordType.PTR }],
      }),
    );
    expect(buildResponse("127.0.0.1", [reply]).model).toBe("J305AP");
    expect([...reply.answers, ...reply.additionals].map((r) => r.type)).toEqual(["PTR", "TXT"]);
  });

  it("stops answering for an unpublished service", async () => {
    const unpublish = responder.publish({ type: AIRPLAY_TYPE, name: "A", port: 7000 });
    responder.publish({ type: AIRPLAY_TYPE, name: "B", port: 7001 });
    unpublish();
    const reply = await ask(
      encodeMessage({
        isResponse: false,
        questions: [{ name: AIRPLAY_TYPE, type: RecordType.PTR }],
      }),
    );
    expect(reply.answers.map((r) => r.type === "PTR" && r.target)).toEqual([`B.${AIRPLAY_TYPE}`]);
  });

  it("drops and counts malformed queries, then still answers", async () => {
    const debug: string[] = [];
    const logged = await ZeroconfResponder.start({
      address: "127.0.0.1",
      port: 0,
      logger: { debug: (msg) => debug.push(msg) },
    });
    logged.publish({ type: AIRPLAY_TYPE, name: "A", port: 7000 });
    client.send(Uint8Array.from([1, 2, 3]), logged.port, "127.0.0.1");
    client.send(
      Uint8Array.from([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 0x0c]),
      logged.port,
      "127.0.0.1",
    );
    const query = encodeMessage({
      isResponse: false,
      questions: [{ name: AIRPLAY_TYPE, type: RecordType.PTR }],
    });
    const reply = await new Promise<DnsMessage>((resolve) => {
      client.once("message", (data) => {
        const result = decodeMessage(data);
        if (result.ok) resolve(result.message);
      });
      client.send(query, logged.port, "127.0.0.1");
    });
    expect(reply.answers).toHaveLength(1);
    expect(logged.stats.malformed).toBe(2);
    expect(logged.stats.received).toBe(3);
    expect(debug.filter((m) => m.startsWith("dropped malformed"))).toHaveLength(2);
    await logged.close();
  });

  it("refuses bad options with InvalidConfigError before binding", async () => {
    // Unicast only (no multicast option): nothing here may join a group on a real network.
    const bad = [
      { address: "127.0.0.1", port: 65_536 },
      { address: "127.0.0.1", port: -1 },
      { address: "127.0.0.1", port: 1.5 },
      { address: "localhost", port: 0 },
      { address: "127.0.0.1", port: 0, group: "127.0.0.2" },
      { address: "127.0.0.1", port: 0, interfaceAddress: "eth0" },
    ];
    for (const options of bad) {
      await expect(ZeroconfResponder.start(options)).rejects.toBeInstanceOf(InvalidConfigError);
    }
  });

  it("refuses invalid services with InvalidConfigError", () => {
    expect(() => responder.publish({ type: "airplay", name: "A", port: 1 })).toThrow(
      InvalidConfigError,
    );
    expect(() => responder.publish({ type: `X.${AIRPLAY_TYPE}`, name: "A" })).toThrow(
      InvalidConfigError,
    );
    expect(() => responder.publish({ type: AIRPLAY_TYPE, name: "A", port: 70000 })).toThrow(
      InvalidConfigError,
    );
    expect(() => responder.publish({ type: AIRPLAY_TYPE, name: "A", address: "x" })).toThrow(
      InvalidConfigError,
    );
    expect(() =>
      responder.publish({ type: AIRPLAY_TYPE, name: "A", properties: { big: "x".repeat(300) } }),
    ).toThrow(InvalidConfigError);
  });
});

describe("ZeroconfResponder.onAnnouncement", () => {
  const REMOTE_TYPE = "_touch-remote._tcp.local";
  const instance = `0000000000000000000000000000002130706433.${REMOTE_TYPE}`;
  let responder: ZeroconfResponder;
  let client: Socket;

  beforeEach(async () => {
    responder = await ZeroconfResponder.start({ address: "127.0.0.1", port: 0 });
    responder.publish({ type: AIRPLAY_TYPE, name: "A", port: 7000 });
    client = await loopbackUdpSocket();
  });

  afterEach(async () => {
    client.close();
    await responder.close();
  });

  function announcement(ttl: number): Uint8Array {
    return encodeMessage({
      isResponse: true,
      flags: 0x8400,
      questions: [],
      answers: [
        { type: "PTR", name: REMOTE_TYPE, ttl, target: instance },
        {
          type: "SRV",
          name: instance,
          ttl,
          priority: 0,
          weight: 0,
          port: 45678,
          target: "r.local",
        },
        { type: "TXT", name: instance, ttl, strings: encodeTxt({ Pair: "0000000000000001" }) },
        { type: "A", name: "r.local", ttl, address: "127.0.0.1" },
      ],
    });
  }

  /** Sends the packets, then a query; UDP on loopback keeps their order, so once the
   * query is answered every packet before it has been handled. */
  async function sendThenSync(...packets: Uint8Array[]): Promise<void> {
    for (const packet of packets) client.send(packet, responder.port, "127.0.0.1");
    const answered = new Promise<void>((resolve) => client.once("message", () => resolve()));
    client.send(
      encodeMessage({
        isResponse: false,
        questions: [{ name: AIRPLAY_TYPE, type: RecordType.PTR }],
      }),
      responder.port,
      "127.0.0.1",
    );
    await answered;
  }

  it("hears announced services, parsed, and withdrawals as goodbyes", async () => {
    const heard: ReceivedAnnouncement[] = [];
    responder.onAnnouncement((a) => heard.push(a));
    await sendThenSync(announcement(120), announcement(0));
    expect(heard).toHaveLength(2);
    expect(heard[0]?.goodbye).toBe(false);
    expect(heard[0]?.from.address).toBe("127.0.0.1");
    expect(heard[0]?.from.port).toBe(client.address().port);
    expect(heard[0]?.services).toHaveLength(1);
    expect(heard[0]?.services[0]).toMatchObject({
      type: REMOTE_TYPE,
      name: "0000000000000000000000000000002130706433",
      address: "127.0.0.1",
      port: 45678,
    });
    expect(heard[0]?.services[0]?.properties.get("Pair")).toBe("0000000000000001");
    expect(heard[1]?.goodbye).toBe(true);
    // Responses are still counted as ignored, as before.
    expect(responder.stats.ignored).toBe(2);
  });

  it("keeps answering when a listener throws, and stops telling one that unsubscribed", async () => {
    const heard: ReceivedAnnouncement[] = [];
    responder.onAnnouncement(() => {
      throw new Error("listener bug");
    });
    const stop = responder.onAnnouncement((a) => heard.push(a));
    await sendThenSync(announcement(120));
    stop();
    await sendThenSync(announcement(120), Uint8Array.from([0xff, 0x00]));
    expect(heard).toHaveLength(1);
    expect(responder.stats.malformed).toBe(1);
  });
});
