import { InputAction, NotSupportedError, TouchAction } from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OpackFloat, type OpackValue } from "../opack.js";
import { CompanionTouch, type TouchProtocol } from "./touch.js";

interface Sent {
  readonly kind: "request" | "event";
  readonly identifier: string;
  readonly content: Record<string, unknown>;
}

/** Records what touch sends; requests are answered at once. */
function recorder(): { protocol: TouchProtocol; sent: Sent[] } {
  const sent: Sent[] = [];
  const protocol: TouchProtocol = {
    async request(identifier, content) {
      sent.push({ kind: "request", identifier, content: content as Record<string, unknown> });
      return new Map<OpackValue, OpackValue>();
    },
    sendEvent(identifier, content) {
      sent.push({ kind: "event", identifier, content: content as Record<string, unknown> });
    },
  };
  return { protocol, sent };
}

const touches = (sent: Sent[]) =>
  sent
    .filter((s) => s.identifier === "_hidT")
    .map((s) => ({ phase: s.content._tPh, x: s.content._cx, y: s.content._cy }));

describe("CompanionTouch", () => {
  it("announces a 1000×1000 touchpad with floats and stops with pyatv's _i", async () => {
    const { protocol, sent } = recorder();
    const touch = new CompanionTouch(protocol);
    await touch.start();
    await touch.stop();
    expect(sent[0]?.identifier).toBe("_touchStart");
    expect(Object.keys(sent[0]?.content ?? {})).toEqual(["_height", "_tFl", "_width"]);
    expect(sent[0]?.content._height).toEqual(new OpackFloat(1000));
    expect(sent[0]?.content._width).toEqual(new OpackFloat(1000));
    expect(sent[0]?.content._tFl).toBe(0);
    expect(sent[1]).toEqual({ kind: "request", identifier: "_touchStop", content: { _i: 1 } });
  });

  it("sends an _hidT event in pyatv's field order, timed from _touchStart", async () => {
    const { protocol, sent } = recorder();
    let now = 5_000n;
    const touch = new CompanionTouch(protocol, { clock: () => now });
    now = 7_000n;
    await touch.start();
    now = 7_250n;
    await touch.action(12.9, 500, TouchAction.Hold);
    const event = sent.at(-1);
    expect(event?.kind).toBe("event");
    expect(Object.keys(event?.content ?? {})).toEqual(["_ns", "_tFg", "_cx", "_tPh", "_cy"]);
    expect(event?.content).toEqual({ _ns: 250n, _tFg: 1, _cx: 12, _tPh: 3, _cy: 500 });
  });

  it("clamps any finite point into the touchpad as whole units", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        async (x, y) => {
          const { protocol, sent } = recorder();
          await new CompanionTouch(protocol).action(x, y, TouchAction.Press);
          const [point] = touches(sent);
          for (const [value, given] of [
            [point?.x, x],
            [point?.y, y],
          ] as const) {
            // An integer, never -0 (which OPACK would have to send as a float).
            expect(Number.isInteger(value) && !Object.is(value, -0)).toBe(true);
            expect(value).toBeGreaterThanOrEqual(0);
            expect(value).toBeLessThanOrEqual(1000);
            if (given >= 0 && given <= 1000) expect(value).toBe(Math.trunc(given) + 0);
          }
        },
      ),
    );
  });

  it("refuses points that are not finite and unknown modes, sending nothing", async () => {
    const { protocol, sent } = recorder();
    const touch = new CompanionTouch(protocol);
    await expect(touch.action(Number.NaN, 1, TouchAction.Press)).rejects.toBeInstanceOf(RangeError);
    await expect(
      touch.action(1, Number.POSITIVE_INFINITY, TouchAction.Press),
    ).rejects.toBeInstanceOf(RangeError);
    await expect(touch.action(1, 1, 2 as TouchAction)).rejects.toBeInstanceOf(NotSupportedError);
    await expect(touch.swipe(0, 0, 1, 1, -1)).rejects.toBeInstanceOf(RangeError);
    await expect(touch.swipe(0, 0, 1, 1, Number.NaN)).rejects.toBeInstanceOf(RangeError);
    await expect(touch.swipe(0, Number.NaN, 1, 1, 10)).rejects.toBeInstanceOf(RangeError);
    expect(sent).toEqual([]);
  });

  it("swipes: press at the start, holds moving toward the end, release at the end", async () => {
    const { protocol, sent } = recorder();
    const touch = new CompanionTouch(protocol, { delay: 1 });
    await touch.swipe(100, 900, 800, 200, 40);
    const points = touches(sent);
    expect(points[0]).toEqual({ phase: TouchAction.Press, x: 100, y: 900 });
    expect(points.at(-1)).toEqual({ phase: TouchAction.Release, x: 800, y: 200 });
    const holds = points.slice(1, -1);
    expect(holds.length).toBeGreaterThan(0);
    expect(holds.every((p) => p.phase === TouchAction.Hold)).toBe(true);
    const xs = holds.map((p) => p.x as number);
    const ys = holds.map((p) => p.y as number);
    // Never back, never past the end.
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(ys).toEqual([...ys].sort((a, b) => b - a));
    expect(Math.max(...xs)).toBeLessThanOrEqual(800);
    expect(Math.min(...ys)).toBeGreaterThanOrEqual(200);
  });

  it("swipes in no time as a press and a release", async () => {
    const { protocol, sent } = recorder();
    await new CompanionTouch(protocol).swipe(-50, 10, 2000, 20, 0);
    expect(touches(sent)).toEqual([
      { phase: TouchAction.Press, x: 0, y: 10 },
      { phase: TouchAction.Release, x: 1000, y: 20 },
    ]);
  });

  it("stops a swipe on abort with the caller's reason, lifting the finger", async () => {
    const { protocol, sent } = recorder();
    const controller = new AbortController();
    const reason = new Error("enough");
    const holds = { count: 0 };
    const counting: TouchProtocol = {
      request: protocol.request,
      sendEvent(identifier, content) {
        protocol.sendEvent(identifier, content);
        if ((content as Record<string, unknown>)._tPh === TouchAction.Hold && ++holds.count === 2) {
          controller.abort(reason);
        }
      },
    };
    const touch = new CompanionTouch(counting, { delay: 1 });
    await expect(touch.swipe(0, 0, 1000, 1000, 60_000, { signal: controller.signal })).rejects.toBe(
      reason,
    );
    const points = touches(sent);
    expect(points.at(-1)?.phase).toBe(TouchAction.Release);
    expect(points.filter((p) => p.phase === TouchAction.Hold)).toHaveLength(2);
  });

  it("clicks as pyatv: select down and up, then a Click touch in the corner", async () => {
    const { protocol, sent } = recorder();
    const touch = new CompanionTouch(protocol, { holdDelay: 1 });
    const script = () =>
      sent.map((s) =>
        s.identifier === "_hidC"
          ? `hid ${s.content._hidC}:${s.content._hBtS}`
          : `touch ${s.content._tPh}@${s.content._cx},${s.content._cy}`,
      );
    await touch.click(InputAction.SingleTap);
    expect(script()).toEqual(["hid 6:1", "hid 6:2", "touch 5@1000,1000"]);
    sent.length = 0;
    await touch.click(InputAction.DoubleTap);
    expect(script()).toEqual([
      "hid 6:1",
      "hid 6:2",
      "touch 5@1000,1000",
      "hid 6:1",
      "hid 6:2",
      "touch 5@1000,1000",
    ]);
    sent.length = 0;
    await touch.click(InputAction.Hold);
    expect(script()).toEqual(["hid 6:1", "hid 6:2", "touch 5@1000,1000"]);
    sent.length = 0;
    await expect(touch.click(7 as InputAction)).rejects.toBeInstanceOf(NotSupportedError);
    expect(sent).toEqual([]);
  });

  it("releases select when a held click is aborted", async () => {
    const { protocol, sent } = recorder();
    const touch = new CompanionTouch(protocol, { holdDelay: 60_000 });
    const controller = new AbortController();
    const reason = new Error("let go");
    const click = touch.click(InputAction.Hold, { signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort(reason);
    await expect(click).rejects.toBe(reason);
    expect(sent.map((s) => `${s.identifier}:${s.content._hBtS ?? s.content._tPh}`)).toEqual([
      "_hidC:1",
      "_hidC:2",
    ]);
  });
});
