import { ProtocolError } from "@atv/interface";
import { SRP, SrpServer } from "fast-srp-hap";
import { describe, expect, it } from "vitest";
import { hapSrpGroup, SrpClientSession, SrpServerSession } from "./srp.js";

const hex = (text: string): Uint8Array =>
  Uint8Array.from(Buffer.from(text.replace(/\s/g, ""), "hex"));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

// RFC 5054 Appendix B (1024-bit group, SHA-1): the group and the hash are parameters of our
// sessions, so the same code that runs HAP's 3072-bit SHA-512 runs the RFC's case.
const rfc = {
  group: SRP.params[1024],
  username: "alice",
  password: "password123",
  salt: hex("BEB25379 D1A8581E B5A72767 3A2441EE"),
  a: hex("60975527 035CF2AD 1989806F 0407210B C81EDC04 E2762A56 AFD529DD DA2D4393"),
  b: hex("E487CB59 D31AC550 471E81F0 0F6928E0 1DDA08E9 74A004F4 9E61F5D1 05284D20"),
  v: `7E273DE8 696FFC4F 4E337D05 B4B375BE B0DDE156 9E8FA00A 9886D812 9BADA1F1 822223CA
      1A605B53 0E379BA4 729FDC59 F105B478 7E5186F5 C671085A 1447B52A 48CF1970 B4FB6F84
      00BBF4CE BFBB1681 52E08AB5 EA53D15C 1AFF87B2 B9DA6E04 E058AD51 CC72BFC9 033B564E
      26480D78 E955A5E2 9E7AB245 DB2BE315 E2099AFB`,
  A: `61D5E490 F6F1B795 47B0704C 436F523D D0E560F0 C64115BB 72557EC4 4352E890 3211C046
      92272D8B 2D1A5358 A2CF1B6E 0BFCF99F 921530EC 8E393561 79EAE45E 42BA92AE ACED8251
      71E1E8B9 AF6D9C03 E1327F44 BE087EF0 6530E69F 66615261 EEF54073 CA11CF58 58F0EDFD
      FE15EFEA B349EF5D 76988A36 72FAC47B 0769447B`,
  B: `BD0C6151 2C692C0C B6D041FA 01BB152D 4916A1E7 7AF46AE1 05393011 BAF38964 DC46A067
      0DD125B9 5A981652 236F99D9 B681CBF8 7837EC99 6C6DA044 53728610 D0C6DDB5 8B318885
      D7D82C7F 8DEB75CE 7BD4FBAA 37089E6F 9C6059F3 88838E7A 00030B33 1EB76840 910440B1
      B27AAEAE EB4012B7 D7665238 A8E3FB00 4B117B58`,
  S: `B0DC82BA BCF30674 AE450C02 87745E79 90A3381F 63B387AA F271A10D 233861E3 59B48220
      F7C4693C 9AE12B0A 6F67809F 0876E2D0 13800D6C 41BB59B6 D5979B5C 00A172B4 A2A5903A
      0BDCAF8A 709585EB 2AFAFA8F 3499B200 210DCC1F 10EB3394 3CD67FC8 8A2F39A4 BE5BEC4E
      C0A3212D C346D7E4 74B29EDE 8A469FFE CA686E5A`,
};

describe("SRP-6a", () => {
  it("computes RFC 5054's verifier, A and B, and both sides agree", () => {
    const options = { group: rfc.group, username: rfc.username };
    const server = new SrpServerSession(rfc.password, {
      ...options,
      salt: rfc.salt,
      secret: rfc.b,
    });
    expect(toHex(server.publicKey)).toBe(toHex(hex(rfc.B)));
    const client = new SrpClientSession(rfc.salt, server.publicKey, rfc.password, {
      ...options,
      secret: rfc.a,
    });
    expect(toHex(client.publicKey)).toBe(toHex(hex(rfc.A)));
    expect(server.verifyClient(client.publicKey, client.proof)).toBe(true);
    expect(client.verifyServerProof(server.proof as Uint8Array)).toBe(true);
    expect(server.sessionKey).toEqual(client.sessionKey);

    const verifier = SRP.computeVerifier(
      rfc.group,
      Buffer.from(rfc.salt),
      Buffer.from(rfc.username),
      Buffer.from(rfc.password),
    );
    expect(verifier.toString("hex")).toBe(toHex(hex(rfc.v)));
  });

  it("derives RFC 5054's premaster secret in fast-srp-hap", () => {
    // The premaster secret S is internal to fast-srp-hap (exposed for its tests); K is
    // hashed from S with a SHA-1 interleave of its own, so S is the RFC's last check.
    const server = new SrpServer(
      rfc.group,
      Buffer.from(rfc.salt),
      Buffer.from(rfc.username),
      Buffer.from(rfc.password),
      Buffer.from(rfc.b),
    );
    server.setA(Buffer.from(hex(rfc.A)));
    expect(server._S?.toString("hex")).toBe(toHex(hex(rfc.S)));
  });

  it("agrees on a session key in HAP's 3072-bit SHA-512 group", () => {
    const server = new SrpServerSession("1111");
    expect(server.salt).toHaveLength(16);
    expect(server.publicKey).toHaveLength(384);
    const client = new SrpClientSession(server.salt, server.publicKey, "1111");
    expect(client.proof).toHaveLength(64);
    expect(server.verifyClient(client.publicKey, client.proof)).toBe(true);
    expect(client.verifyServerProof(server.proof as Uint8Array)).toBe(true);
    expect(client.sessionKey).toEqual(server.sessionKey);
    expect(client.sessionKey).toHaveLength(64);
    expect(hapSrpGroup().hash).toBe("sha512");
  });

  it("fails the proofs for a wrong password", () => {
    const server = new SrpServerSession("1111");
    const client = new SrpClientSession(server.salt, server.publicKey, "1112");
    expect(server.verifyClient(client.publicKey, client.proof)).toBe(false);
    expect(server.proof).toBeUndefined();
    expect(client.verifyServerProof(new Uint8Array(64))).toBe(false);
  });

  it("rejects unusable public keys", () => {
    expect(() => new SrpClientSession(new Uint8Array(16), new Uint8Array(384), "1111")).toThrow(
      ProtocolError,
    );
    expect(
      () => new SrpClientSession(new Uint8Array(16), new Uint8Array(400).fill(1), "1111"),
    ).toThrow(ProtocolError);
    const server = new SrpServerSession("1111");
    expect(server.verifyClient(new Uint8Array(384), new Uint8Array(64))).toBe(false);
    expect(server.verifyClient(new Uint8Array(500).fill(7), new Uint8Array(64))).toBe(false);
  });
});
