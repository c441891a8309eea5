// What test/packages.test.ts runs inside a temporary project that installed one packed
// package: each check gets that project's own loader (`import()` or `require`), so the
// package and its fake resolve as a user's code would resolve them, and talks to the
// fake over loopback. A check returns plain facts for the test to assert.

const DEVICE_ID = "PACKED-0001";

export const checks = {
  "@atv/mrp": async (load) => {
    const { connectMrp, pairMrp } = await load("@atv/mrp");
    const { FakeMrpDevice } = await load("@atv/mrp/fake");
    const fake = await FakeMrpDevice.start({
      name: "Packed",
      uniqueIdentifier: DEVICE_ID,
      pin: "1111",
    });
    try {
      const pairing = pairMrp({ host: "127.0.0.1", port: fake.port });
      await pairing.begin();
      pairing.pin(1111);
      await pairing.finish();
      await pairing.close();
      const client = await connectMrp({
        host: "127.0.0.1",
        port: fake.port,
        credentials: pairing.service.credentials,
      });
      try {
        await client.remoteControl.play();
        return {
          encrypted: client.protocol.connection.encrypted,
          deviceId: client.protocol.deviceInfo?.uniqueIdentifier,
          command: fake.state.lastCommand?.name,
        };
      } finally {
        await client.close();
      }
    } finally {
      await fake.close();
    }
  },

  "@atv/companion": async (load) => {
    const { CompanionConnection, CompanionPairSetup, CompanionProtocol, connectCompanion } =
      await load("@atv/companion");
    const { FakeCompanionDevice } = await load("@atv/companion/fake");
    const fake = await FakeCompanionDevice.start({ identifier: DEVICE_ID, pin: "1111" });
    try {
      const protocol = new CompanionProtocol(
        await CompanionConnection.connect("127.0.0.1", fake.port),
      );
      let credentials;
      try {
        const setup = new CompanionPairSetup(protocol, { name: "packed" });
        await setup.start();
        credentials = (await setup.finish("1111")).toString();
      } finally {
        protocol.close();
      }
      const client = await connectCompanion({ host: "127.0.0.1", port: fake.port, credentials });
      try {
        const apps = await client.appList();
        return { apps: apps.length, firstApp: typeof apps[0]?.identifier };
      } finally {
        await client.close();
      }
    } finally {
      await fake.close();
    }
  },

  "@atv/airplay": async (load) => {
    const { HttpConnection, transientPairVerify } = await load("@atv/airplay");
    const { FakeAirPlayDevice } = await load("@atv/airplay/fake");
    const fake = await FakeAirPlayDevice.start({ identifier: DEVICE_ID, pin: "1111" });
    try {
      const connection = await HttpConnection.connect("127.0.0.1", fake.port);
      try {
        const shared = await transientPairVerify(connection.exchange);
        return { secretBytes: shared.secret.length };
      } finally {
        connection.close();
      }
    } finally {
      await fake.close();
    }
  },

  "@atv/dmap": async (load) => {
    const { connectDmap, decodeDmap, dmapTag } = await load("@atv/dmap");
    const { FakeDmapDevice } = await load("@atv/dmap/fake");
    const guid = "0x0000000000000001";
    const fake = await FakeDmapDevice.start({
      pairingGuids: [guid],
      items: [{ title: "Packed song", totalTime: 60, mediaKind: 2 }],
      static: true,
    });
    try {
      const client = await connectDmap({ host: "127.0.0.1", port: fake.port, credentials: guid });
      try {
        await client.remoteControl.play();
        return {
          title: (await client.metadata.playing()).title,
          command: fake.state.events.findLast((e) => e.kind === "command")?.name,
          tag: decodeDmap(dmapTag.string("minm", "x"))[0]?.value,
        };
      } finally {
        await client.close();
      }
    } finally {
      await fake.close();
    }
  },

  "@atv/core": async (load) => {
    const { connect, Protocol, scan } = await load("@atv/core");
    const { FakeAppleTV } = await load("@atv/core/fake");
    const fake = await FakeAppleTV.start({ address: "127.0.0.1", mdnsPort: 0, name: "Packed" });
    try {
      fake.mrp.useCases.exampleMusic();
      const [device] = await scan({ hosts: ["127.0.0.1"], mdnsPort: fake.mdnsPort, timeout: 5000 });
      if (device === undefined) return { found: false };
      const atv = await connect(device, { protocols: [Protocol.MRP], timeout: 5000 });
      try {
        const playing = await atv.metadata.playing();
        return {
          found: true,
          name: device.name,
          sameDevice: atv.metadata.deviceId === fake.identity.mrpIdentifier,
          title: playing.title,
        };
      } finally {
        await atv.close();
      }
    } finally {
      await fake.close();
    }
  },
};

/** The entry points a user imports, per package: each must load in both module systems. */
export function entryPoints(manifest) {
  return Object.keys(manifest.exports ?? { ".": null }).map((subpath) =>
    subpath === "." ? manifest.name : `${manifest.name}/${subpath.slice(2)}`,
  );
}

/**
 * Loads every entry point of the installed package `manifest` with `load`, then runs the
 * package's check, if it has one. Export names are listed so that the test can compare
 * what ESM and CommonJS users see.
 */
export async function runChecks(manifest, load) {
  const exports = {};
  for (const entry of entryPoints(manifest)) {
    exports[entry] = Object.keys(await load(entry)).sort();
  }
  const check = checks[manifest.name];
  return { exports, check: check === undefined ? undefined : await check(load) };
}
