import { AtvError } from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  artworkFromResponse,
  artworkIdOf,
  artworkUrls,
  formatArtworkTemplate,
  MrpArtwork,
  requestedArtworkSize,
} from "./artwork.js";
import { solidPng, TINY_JPEG } from "./fake/artwork-images.js";
import {
  exampleVideoState,
  playbackQueueResponseMessage,
  setStateMessage,
} from "./fake/now-playing.js";
import { PlayerStateManager } from "./player-state.js";
import { MessageType } from "./protobuf/generated/enums.js";
import {
  createMessage,
  decodeProtocolMessage,
  encodeProtocolMessage,
} from "./protobuf/messages.js";
import type { ContentItemMetadata, ProtocolMessage } from "./protobuf/types.js";
import { fedMessageSource } from "./testing/message-source.js";

const APP = "com.example.app";

/** A player state manager fed one SET_STATE for an item with `metadata`. */
function playerWith(metadata: ContentItemMetadata, identifier?: string) {
  const source = fedMessageSource();
  const manager = new PlayerStateManager(source);
  const message = setStateMessage(APP, identifier === undefined ? {} : { identifier });
  const queue = message.setStateMessage?.playbackQueue;
  const item = queue?.contentItems?.[0];
  if (item) item.metadata = metadata;
  source.feed(message);
  const client = createMessage(MessageType.SET_NOW_PLAYING_CLIENT_MESSAGE);
  client.setNowPlayingClientMessage = { client: { bundleIdentifier: APP } };
  source.feed(client);
  return manager;
}

describe("artworkIdOf", () => {
  it("follows pyatv's precedence: artwork id, content id, item id", () => {
    const cases: [ContentItemMetadata, string | undefined, string | undefined][] = [
      [{ artworkAvailable: true, artworkIdentifier: "a", contentIdentifier: "c" }, "i", "a"],
      [{ artworkAvailable: true, contentIdentifier: "c" }, "i", "c"],
      [{ artworkAvailable: true }, "i", "i"],
      [{ artworkURL: "http://x/y.png" }, "i", "i"],
      [{ artworkAvailable: false, artworkIdentifier: "a" }, "i", undefined],
      [{ artworkIdentifier: "a", contentIdentifier: "c" }, "i", undefined],
      [{ artworkAvailable: true }, undefined, undefined],
      [{ artworkAvailable: true, artworkIdentifier: "" }, "i", undefined],
    ];
    for (const [metadata, item, expected] of cases) {
      expect(artworkIdOf(playerWith(metadata, item).playing), JSON.stringify(metadata)).toBe(
        expected,
      );
    }
  });

  it("is undefined when nothing plays", () => {
    expect(artworkIdOf(new PlayerStateManager(fedMessageSource()).playing)).toBeUndefined();
  });
});

describe("requestedArtworkSize", () => {
  it("sends what pyatv sends for each wish", () => {
    expect(requestedArtworkSize()).toEqual({ width: 512, height: -1 });
    expect(requestedArtworkSize({ width: 100, height: 200 })).toEqual({ width: 100, height: 200 });
    expect(requestedArtworkSize({ width: null, height: null })).toEqual({ width: 0, height: -1 });
    expect(requestedArtworkSize({ height: 300 })).toEqual({ width: 512, height: 300 });
    expect(requestedArtworkSize({ width: 0, height: 0 })).toEqual({ width: 0, height: -1 });
  });
});

describe("formatArtworkTemplate", () => {
  it("fills in width, height, crop and format", () => {
    expect(formatArtworkTemplate("https://is1.example/img/{w}x{h}{c}.{f}", 123, 456)).toBe(
      "https://is1.example/img/123x456bb.png",
    );
  });

  it("asks for 999999 where a size is below 1", () => {
    expect(formatArtworkTemplate("http://h/{w}x{h}.{f}", 0, -1)).toBe("http://h/999999x999999.png");
  });

  it("reads doubled braces as literal braces", () => {
    expect(formatArtworkTemplate("http://h/{{w}}/{w}", 5, 5)).toBe("http://h/{w}/5");
  });

  it("rejects templates with other fields, stray braces, or that are no http(s) URL", () => {
    expect(formatArtworkTemplate("http://h/{w}x{size}", 1, 1)).toBeUndefined();
    expect(formatArtworkTemplate("http://h/{constructor}", 1, 1)).toBeUndefined();
    expect(formatArtworkTemplate("http://h/{w", 1, 1)).toBeUndefined();
    expect(formatArtworkTemplate("artwork", 1, 1)).toBeUndefined();
    expect(formatArtworkTemplate("file:///etc/{w}.{f}", 1, 1)).toBeUndefined();
    expect(formatArtworkTemplate("ftp://h/{w}.{f}", 1, 1)).toBeUndefined();
  });

  it("never throws, whatever the template", () => {
    fc.assert(
      fc.property(fc.string(), fc.integer(), fc.integer(), (template, width, height) => {
        const url = formatArtworkTemplate(template, width, height);
        if (url !== undefined) expect(url).toMatch(/^https?:/);
      }),
    );
  });
});

describe("artworkUrls", () => {
  it("lists the template's URL, then artworkURL", () => {
    expect(
      artworkUrls({ artworkIdentifier: "http://h/{w}.{f}", artworkURL: "http://h/x.heic" }, 8, 8),
    ).toEqual(["http://h/8.png", "http://h/x.heic"]);
    expect(artworkUrls({ artworkIdentifier: "id", artworkURL: "http://h/x" }, 8, 8)).toEqual([
      "http://h/x",
    ]);
    expect(artworkUrls({ artworkURL: "not a url" }, 8, 8)).toEqual([]);
    expect(artworkUrls(undefined, 8, 8)).toEqual([]);
  });
});

describe("artworkFromResponse", () => {
  const state = exampleVideoState({ artwork: TINY_JPEG, identifier: "item" });

  it("reads the fake device's answer, through the wire format", () => {
    const response = decodeProtocolMessage(
      encodeProtocolMessage(playbackQueueResponseMessage("X", state)),
    );
    expect(artworkFromResponse(response, 0, "image/jpeg")).toEqual({
      bytes: TINY_JPEG,
      mimetype: "image/jpeg",
      width: 8,
      height: 8,
    });
  });

  it("prefers the sizes the device states, and sniffs a missing MIME type", () => {
    const png = solidPng(3, 4);
    const response = playbackQueueResponseMessage("X", {
      artwork: png,
      artworkWidth: 30,
      artworkHeight: 40,
    });
    expect(artworkFromResponse(response, 0)).toEqual({
      bytes: png,
      mimetype: "image/png",
      width: 30,
      height: 40,
    });
  });

  it("takes the item at the player's location, or the only item", () => {
    const response = createMessage(MessageType.SET_STATE_MESSAGE);
    response.setStateMessage = {
      playbackQueue: {
        contentItems: [{ artworkData: Uint8Array.of(1) }, { artworkData: Uint8Array.of(2) }],
      },
    };
    expect(artworkFromResponse(response, 1)?.bytes).toEqual(Uint8Array.of(2));
    expect(artworkFromResponse(response, 5)).toBeUndefined();
    const single = createMessage(MessageType.SET_STATE_MESSAGE);
    single.setStateMessage = {
      playbackQueue: { contentItems: [{ artworkData: Uint8Array.of(3) }] },
    };
    expect(artworkFromResponse(single, 4)?.bytes).toEqual(Uint8Array.of(3));
  });

  it("is undefined without artwork data, with empty data, or with an error code", () => {
    const none = playbackQueueResponseMessage("X", exampleVideoState());
    expect(
      artworkFromResponse(decodeProtocolMessage(encodeProtocolMessage(none)), 0),
    ).toBeUndefined();
    expect(
      artworkFromResponse(playbackQueueResponseMessage("X", { artwork: new Uint8Array(0) }), 0),
    ).toBeUndefined();
    const failed = playbackQueueResponseMessage("X", state);
    failed.errorCode = 1;
    expect(artworkFromResponse(failed, 0)).toBeUndefined();
    expect(artworkFromResponse(createMessage(MessageType.GENERIC_MESSAGE), 0)).toBeUndefined();
  });

  it("never throws on arbitrary or mutated answers, only typed errors while decoding", () => {
    const valid = encodeProtocolMessage(playbackQueueResponseMessage("X", state));
    const mutated = fc
      .array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), {
        maxLength: 8,
      })
      .chain((flips) =>
        fc.integer({ min: 0, max: valid.length }).map((cut) => {
          const bytes = valid.slice(0, cut === 0 ? valid.length : cut);
          for (const [index, value] of flips) if (index < bytes.length) bytes[index] = value;
          return bytes;
        }),
      );
    fc.assert(
      fc.property(
        fc.oneof(mutated, fc.uint8Array({ maxLength: 200 })),
        fc.integer({ min: -2, max: 4 }),
        fc.option(fc.string(), { nil: undefined }),
        (bytes, location, mimetype) => {
          let message: ProtocolMessage;
          try {
            message = decodeProtocolMessage(bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(AtvError);
            return;
          }
          const artwork = artworkFromResponse(message, location, mimetype);
          if (artwork !== undefined) {
            expect(artwork.bytes.length).toBeGreaterThan(0);
            expect(typeof artwork.mimetype).toBe("string");
          }
        },
      ),
      { numRuns: 2000 },
    );
    // Objects that never came off the wire (a caller's own, or a stub's).
    fc.assert(
      fc.property(fc.anything(), fc.integer({ min: -2, max: 4 }), (anything, location) => {
        artworkFromResponse(anything as ProtocolMessage, location);
      }),
    );
  });
});

describe("MrpArtwork", () => {
  it("passes the requester's typed errors on, and does not cache them", async () => {
    const manager = playerWith({ artworkAvailable: true, artworkIdentifier: "a" });
    let calls = 0;
    const artwork = new MrpArtwork(manager, {
      sendAndReceive: async () => {
        calls++;
        if (calls === 1) throw new AtvError("boom");
        return playbackQueueResponseMessage("X", { artwork: TINY_JPEG });
      },
    });
    await expect(artwork.artwork()).rejects.toThrow("boom");
    expect((await artwork.artwork())?.bytes).toEqual(TINY_JPEG);
    expect(calls).toBe(2);
  });

  it("uses the injected fetch for URLs and skips failing ones", async () => {
    const manager = playerWith({
      artworkAvailable: true,
      artworkIdentifier: "http://h/{w}.{f}",
      artworkURL: "http://h/fixed",
    });
    const asked: string[] = [];
    const artwork = new MrpArtwork(
      manager,
      {
        sendAndReceive: async () => {
          throw new Error("the device must not be asked");
        },
      },
      {
        fetch: async (url) => {
          asked.push(url);
          if (url.endsWith(".png")) throw new TypeError("fetch failed");
          return new Response(TINY_JPEG, { headers: { "content-type": "image/jpeg" } });
        },
      },
    );
    expect(await artwork.artwork({ width: 64 })).toEqual({
      bytes: TINY_JPEG,
      mimetype: "image/jpeg",
      width: 8,
      height: 8,
    });
    expect(asked).toEqual(["http://h/64.png", "http://h/fixed"]);
  });

  it("stops at an abort during a URL fetch, without asking the device", async () => {
    const manager = playerWith({ artworkAvailable: true, artworkURL: "http://h/slow" }, "item");
    const controller = new AbortController();
    const reason = new Error("enough");
    let asked = 0;
    const artwork = new MrpArtwork(
      manager,
      {
        sendAndReceive: async () => {
          asked++;
          return playbackQueueResponseMessage("X", { artwork: TINY_JPEG });
        },
      },
      {
        // A fetch that fails the way the global one does on abort, after the abort.
        fetch: async () => {
          controller.abort(reason);
          throw new DOMException("aborted", "AbortError");
        },
      },
    );
    await expect(artwork.artwork({ signal: controller.signal })).rejects.toBe(reason);
    expect(asked).toBe(0);
  });

  it("counts a body over the size limit as no artwork, declared or not", async () => {
    const manager = playerWith({ artworkAvailable: true, artworkURL: "http://h/huge" }, "item");
    const bodies: Response[] = [];
    const artwork = new MrpArtwork(
      manager,
      { sendAndReceive: async () => playbackQueueResponseMessage("X", {}) },
      { maxBytes: 8, fetch: async () => bodies.shift() ?? new Response(null, { status: 404 }) },
    );
    bodies.push(new Response(new Uint8Array(9)));
    expect(await artwork.artwork()).toBeUndefined();
    bodies.push(new Response(new Uint8Array(4), { headers: { "content-length": "9" } }));
    expect(await artwork.artwork()).toBeUndefined();
    // At the limit it is artwork.
    bodies.push(new Response(new Uint8Array(8)));
    expect((await artwork.artwork())?.bytes).toEqual(new Uint8Array(8));
  });
});
