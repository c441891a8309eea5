// For functional tests: a fresh fake device on loopback for every test of the file, and
// clients of it, all closed once the test is over.

import { afterEach, beforeEach } from "vitest";
import { type ConnectMrpOptions, connectMrp, type MrpClient } from "../client.js";
import { FakeMrpDevice, type FakeMrpDeviceOptions } from "../fake/device.js";

export interface FakeMrpDeviceFixture {
  /** The running test's device. */
  readonly device: FakeMrpDevice;
  /** A client of the test's device (of another port if told), closed after the test. */
  connect(options?: Partial<ConnectMrpOptions>): Promise<MrpClient>;
}

/** Registers the hooks that start and close the device; call it at the top of a file. */
export function useFakeMrpDevice(options: FakeMrpDeviceOptions): FakeMrpDeviceFixture {
  let current: FakeMrpDevice | undefined;
  const clients: MrpClient[] = [];
  const device = (): FakeMrpDevice => {
    if (current === undefined) throw new Error("the fake device runs only during a test");
    return current;
  };

  beforeEach(async () => {
    current = await FakeMrpDevice.start(options);
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await current?.close();
    current = undefined;
  });

  return {
    get device() {
      return device();
    },
    async connect(connectOptions = {}) {
      const client = await connectMrp({
        host: "127.0.0.1",
        port: device().port,
        ...connectOptions,
      });
      clients.push(client);
      return client;
    },
  };
}
