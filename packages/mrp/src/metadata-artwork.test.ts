// Functional tests: metadata.artwork() and artworkId against the fake device over
// loopback, with artwork URLs served by a local HTTP server (after pyatv's artwork tests
// in tests/common_functional_tests.py and tests/protocols/mrp/test_mrp_functional.py).

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ConnectionLostError, OperationTimeoutError } from "@atv/interface";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MrpArtwork } from "./artwork.js";
import type { MrpClient } from "./client.js";
import { solidPng, TINY_JPEG } from "./fake/index.js";
import { genericMessage } from "./protobuf/messages.js";
import { useFakeMrpDevice } from "./testing/fake-device.js";

const DEVICE_ID = "5D797FD3-3538-427E-A47B-A32FC6CF3A6A";
const ARTWORK_ID = "artwork_id1";

const fake = useFakeMrpDevice({ name: "Living Room", uniqueIdentifier: DEVICE_ID });
let client: MrpClient;
const servers: Server[] = [];

beforeEach(async () => {
  client = await fake.connect();
  fake.device.useCases.exampleVideo();
});

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

/** One round trip: every update the device sent before its answer has arrived. */
async function settle(): Promise<void> {
  await client.protocol.sendAndReceive(genericMessage());
}

type Route = (request: IncomingMessage, response: ServerResponse) => void;

/** An HTTP server on loopback answering by path; unknown paths are 404. */
async function serve(routes: Record<string, Route>): Promise<{ base: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((request, response) => {
    const path = request.url ?? "";
    hits.push(path);
    const route = routes[path];
    if (route) route(request, response);
    else response.writeHead(404).end();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, hits };
}

function image(bytes: Uint8Array, type: string): Route {
  return (_request, response) => response.writeHead(200, { "Content-Type": type }).end(bytes);
}

describe("artwork from the device (PLAYBACK_QUEUE_REQUEST)", () => {
  it("gives a PNG with the image's size and the item's MIME type", async () => {
    const png = solidPng(20, 10);
    fake.device.useCases.artwork(png, "image/png");
    await settle();

    const artwork = await client.metadata.artwork();
    expect(artwork).toEqual({ bytes: png, mimetype: "image/png", width: 20, height: 10 });
    // pyatv's request: the current item, one of it, width 512 and any height by default.
    expect(fake.device.state.playbackQueueRequests).toHaveLength(1);
    expect(fake.device.state.playbackQueueRequests[0]).toMatchObject({
      location: 0,
      length: 1,
      artworkWidth: 512,
      artworkHeight: -1,
      returnContentItemAssetsInUserCompletion: true,
    });
  });

  it("gives a JPEG", async () => {
    fake.device.useCases.artwork(TINY_JPEG, "image/jpeg");
    await settle();
    expect(await client.metadata.artwork()).toEqual({
      bytes: TINY_JPEG,
      mimetype: "image/jpeg",
      width: 8,
      height: 8,
    });
  });

  it("asks for the size wanted and reports the size the device gives", async () => {
    fake.device.useCases.artwork(new TextEncoder().encode("1234"), "image/png", {
      width: 111,
      height: 222,
    });
    await settle();
    const artwork = await client.metadata.artwork({ width: 123, height: 456 });
    expect(artwork).toMatchObject({ width: 111, height: 222, mimetype: "image/png" });
    expect(fake.device.state.playbackQueueRequests[0]).toMatchObject({
      artworkWidth: 123,
      artworkHeight: 456,
    });
  });

  it("asks for the device's default size when both sizes are null", async () => {
    fake.device.useCases.artwork(TINY_JPEG, "image/jpeg");
    await settle();
    await client.metadata.artwork({ width: null, height: null });
    expect(fake.device.state.playbackQueueRequests[0]).toMatchObject({
      artworkWidth: 0,
      artworkHeight: -1,
    });
  });

  it("is undefined without asking when the item has no artwork", async () => {
    await settle();
    expect(client.metadata.artworkId).toBeUndefined();
    expect(await client.metadata.artwork()).toBeUndefined();
    expect(fake.device.state.playbackQueueRequests).toHaveLength(0);
  });

  it("is undefined when the item's MIME type is empty (artwork not available)", async () => {
    fake.device.useCases.artwork(new Uint8Array(0), "");
    await settle();
    expect(await client.metadata.artwork()).toBeUndefined();
    expect(fake.device.state.playbackQueueRequests).toHaveLength(0);
  });

  it("is undefined when the device claims artwork but answers without its data", async () => {
    fake.device.useCases.artwork(undefined, "image/png", { identifier: ARTWORK_ID });
    await settle();
    expect(await client.metadata.artwork({ width: 123, height: 456 })).toBeUndefined();
    // Nothing found is not cached: the next call asks again and finds what came since.
    const png = solidPng(4, 4);
    fake.device.useCases.artwork(png, "image/png", { identifier: ARTWORK_ID });
    await settle();
    expect((await client.metadata.artwork())?.bytes).toEqual(png);
    expect(fake.device.state.playbackQueueRequests).toHaveLength(2);
  });
});

describe("artwork cache", () => {
  it("answers a second call for the same artwork id without asking the device", async () => {
    const first = solidPng(2, 2, [255, 0, 0]);
    fake.device.useCases.artwork(first, "image/png", { identifier: ARTWORK_ID });
    await settle();
    expect((await client.metadata.artwork())?.bytes).toEqual(first);

    // New data under the same identifier (not something a device should do): the cache wins.
    fake.device.useCases.artwork(solidPng(2, 2, [0, 255, 0]), "image/png", {
      identifier: ARTWORK_ID,
    });
    await settle();
    expect((await client.metadata.artwork())?.bytes).toEqual(first);
    expect(client.metadata.artworkId).toBe(ARTWORK_ID);
    expect(fake.device.state.playbackQueueRequests).toHaveLength(1);

    // Another identifier is another artwork.
    const second = solidPng(3, 3, [0, 0, 255]);
    fake.device.useCases.artwork(second, "image/png", { identifier: "artwork_id2" });
    await settle();
    expect((await client.metadata.artwork())?.bytes).toEqual(second);
    expect(fake.device.state.playbackQueueRequests).toHaveLength(2);
  });
});

describe("artworkId", () => {
  it("is the artwork identifier when there is one", async () => {
    fake.device.useCases.artwork(TINY_JPEG, "image/jpeg", { identifier: ARTWORK_ID });
    await settle();
    expect(client.metadata.artworkId).toBe(ARTWORK_ID);
  });

  it("is else the content identifier, else the item identifier", async () => {
    fake.device.useCases.exampleVideo({ identifier: "some_id", contentIdentifier: "content" });
    fake.device.useCases.artwork(TINY_JPEG, "image/jpeg", { identifier: null });
    await settle();
    expect(client.metadata.artworkId).toBe("content");

    fake.device.useCases.changeState({ contentIdentifier: undefined });
    await settle();
    expect(client.metadata.artworkId).toBe("some_id");
  });

  it("counts an artwork URL as artwork being available", async () => {
    fake.device.useCases.artwork(undefined, "", {
      identifier: ARTWORK_ID,
      url: "http://127.0.0.1/a",
    });
    await settle();
    expect(client.metadata.artworkId).toBe(ARTWORK_ID);
  });
});

describe("artwork from URLs", () => {
  it("fills in the artwork identifier's URL template and uses it first", async () => {
    const png = solidPng(6, 5);
    const { base, hits } = await serve({ "/art/123x456bb.png": image(png, "image/png") });
    fake.device.useCases.artwork(new Uint8Array(0), "", {
      identifier: `${base}/art/{w}x{h}{c}.{f}`,
      url: `${base}/art/1200x1200bb.heic`,
    });
    await settle();

    const artwork = await client.metadata.artwork({ width: 123, height: 456 });
    expect(artwork).toEqual({ bytes: png, mimetype: "image/png", width: 6, height: 5 });
    expect(hits).toEqual(["/art/123x456bb.png"]);
    expect(fake.device.state.playbackQueueRequests).toHaveLength(0);
  });

  it("asks the template for 999999 where a size is open", async () => {
    const { base, hits } = await serve({});
    fake.device.useCases.artwork(TINY_JPEG, "image/jpeg", { identifier: `${base}/{w}x{h}{c}.{f}` });
    await settle();
    await client.metadata.artwork({ width: null });
    expect(hits).toEqual(["/999999x999999bb.png"]);
  });

  it("falls back to artworkURL when the template's URL is not found", async () => {
    const body = new TextEncoder().encode("1234");
    const { base, hits } = await serve({ "/fixed.png": image(body, "image/png") });
    fake.device.useCases.artwork(undefined, "", {
      identifier: `${base}/missing/{w}x{h}{c}.{f}`,
      url: `${base}/fixed.png`,
    });
    await settle();
    // An image whose size cannot be read keeps the size asked for (as pyatv reports).
    expect(await client.metadata.artwork({ width: 123, height: 456 })).toEqual({
      bytes: body,
      mimetype: "image/png",
      width: 123,
      height: 456,
    });
    expect(hits).toEqual(["/missing/123x456bb.png", "/fixed.png"]);
  });

  it("falls back to the device when no URL gives artwork", async () => {
    const { base, hits } = await serve({});
    fake.device.useCases.artwork(TINY_JPEG, "image/jpeg", {
      identifier: `${base}/a/{w}x{h}{c}.{f}`,
      url: `${base}/b.jpg`,
    });
    await settle();
    expect((await client.metadata.artwork())?.bytes).toEqual(TINY_JPEG);
    expect(hits).toEqual(["/a/512x999999bb.png", "/b.jpg"]);
    expect(fake.device.state.playbackQueueRequests).toHaveLength(1);
  });

  it("takes the MIME type from the image when the server sends none", async () => {
    const { base } = await serve({
      "/art.jpg": (_request, response) => {
        response.removeHeader("Content-Type");
        response.writeHead(200).end(TINY_JPEG);
      },
    });
    fake.device.useCases.artwork(undefined, "", { url: `${base}/art.jpg` });
    await settle();
    expect(await client.metadata.artwork()).toEqual({
      bytes: TINY_JPEG,
      mimetype: "image/jpeg",
      width: 8,
      height: 8,
    });
  });

  it("rejects with the signal's reason when aborted while a URL is fetched", async () => {
    let arrived: () => void = () => {};
    const requested = new Promise<void>((resolve) => (arrived = resolve));
    // A server that never answers.
    const { base } = await serve({ "/slow.png": () => arrived() });
    fake.device.useCases.artwork(undefined, "", { url: `${base}/slow.png` });
    await settle();
    const controller = new AbortController();
    const pending = client.metadata.artwork({ signal: controller.signal });
    await requested;
    const reason = new Error("user gave up");
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });
});

describe("artwork failures", () => {
  it("rejects at once with the reason of an aborted signal", async () => {
    fake.device.useCases.artwork(TINY_JPEG, "image/jpeg");
    await settle();
    const reason = new Error("stop");
    await expect(client.metadata.artwork({ signal: AbortSignal.abort(reason) })).rejects.toBe(
      reason,
    );
    expect(fake.device.state.playbackQueueRequests).toHaveLength(0);
  });

  it("rejects with the signal's reason when aborted before the device answers", async () => {
    fake.device.useCases.artwork(TINY_JPEG, "image/jpeg");
    await settle();
    const controller = new AbortController();
    const pending = client.metadata.artwork({ signal: controller.signal });
    const reason = new Error("changed my mind");
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it("rejects with ConnectionLostError when the device vanishes", async () => {
    fake.device.useCases.artwork(TINY_JPEG, "image/jpeg");
    await settle();
    const artwork = new MrpArtwork(client.playerState, {
      sendAndReceive: (message, options) => {
        const answer = client.protocol.sendAndReceive(message, options);
        fake.device.state.dropConnections();
        return answer;
      },
    });
    await expect(artwork.artwork()).rejects.toBeInstanceOf(ConnectionLostError);
  });

  it("rejects with OperationTimeoutError when the device does not answer in time", async () => {
    fake.device.useCases.artwork(TINY_JPEG, "image/jpeg");
    await settle();
    fake.device.useCases.answerHeartbeats(false);
    // A request the device leaves unanswered stands in for an artwork request.
    const artwork = new MrpArtwork(
      client.playerState,
      {
        sendAndReceive: (_message, options) =>
          client.protocol.sendAndReceive(genericMessage(), options),
      },
      { requestTimeout: 50 },
    );
    await expect(artwork.artwork()).rejects.toBeInstanceOf(OperationTimeoutError);
  });
});
