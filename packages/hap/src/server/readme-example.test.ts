import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { HapSession, PairSetupClient, PairVerifyClient, parseCredentials } from "../index.js";
import { PairSetupServer, PairVerifyServer } from "./index.js";

// The example of README.md, through the public entry points.
describe("README example", () => {
  it("pairs, verifies and talks", () => {
    const device = { identifier: "5D797FD3-3538-427E-A47B-A32FC6CF3A6A", seed: randomBytes(32) };
    const setupServer = new PairSetupServer({ ...device, pin: "1111" });

    const setup = new PairSetupClient();
    setup.receiveM2(setupServer.m2(setup.m1()));
    const m4 = setupServer.m4(setup.m3("1111"));
    const credentials = setup.finish(setupServer.m6(setup.m5(m4)));
    const text = credentials.toString();
    const paired = setupServer.pairedClient;
    if (paired === undefined) throw new Error("not paired");

    const verifyServer = new PairVerifyServer({
      ...device,
      clientPublicKey: (id) =>
        Buffer.from(id).equals(paired.identifier) ? paired.publicKey : undefined,
    });
    const verify = new PairVerifyClient(parseCredentials(text));
    const secret = verify.finish(verifyServer.m4(verify.m3(verifyServer.m2(verify.m1()))));

    const salt = "MediaRemote-Salt";
    const write = "MediaRemote-Write-Encryption-Key";
    const read = "MediaRemote-Read-Encryption-Key";
    const keys = secret.sessionKeys(salt, write, read);
    const deviceKeys = verifyServer.sharedSecret?.sessionKeys(salt, read, write);
    if (deviceKeys === undefined) throw new Error("not verified");

    const session = new HapSession(keys.outputKey, keys.inputKey);
    const deviceSession = new HapSession(deviceKeys.outputKey, deviceKeys.inputKey);
    const hello = new TextEncoder().encode("hello");
    expect(deviceSession.decrypt(session.encrypt(hello))).toEqual(hello);
  });
});
