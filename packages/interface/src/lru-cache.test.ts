import { describe, expect, it } from "vitest";
import { LruCache } from "./lru-cache.js";

describe("LruCache", () => {
  const art = (n: number) => ({ bytes: Uint8Array.of(n), mimetype: "x", width: n, height: n });

  it("keeps the four most recently used", () => {
    const cache = new LruCache<string, ReturnType<typeof art>>(4);
    for (const n of [1, 2, 3, 4]) cache.set(String(n), art(n));
    cache.get("1"); // 2 is now the least recently used
    cache.set("5", art(5));
    expect(cache.size).toBe(4);
    expect(cache.has("2")).toBe(false);
    expect(["1", "3", "4", "5"].every((id) => cache.has(id))).toBe(true);
    cache.set("3", art(33)); // replacing refreshes without growing
    cache.set("6", art(6));
    expect(cache.has("4")).toBe(false);
    expect(cache.get("3")?.width).toBe(33);
  });

  it("refuses a limit below one", () => {
    expect(() => new LruCache(0)).toThrow(RangeError);
  });
});
