import { describe, expect, it } from "vitest";
import { deadline } from "./deadline.js";

describe("deadline", () => {
  it("aborts when the time is up and says so", async () => {
    const wait = deadline(5);
    await new Promise((resolve) => wait.signal.addEventListener("abort", resolve));
    expect(wait.timedOut).toBe(true);
    expect((wait.signal.reason as DOMException).name).toBe("TimeoutError");
  });

  it("aborts with the caller's reason when the caller aborts first", () => {
    const caller = new AbortController();
    const wait = deadline(60_000, caller.signal);
    caller.abort(new Error("stop"));
    expect(wait.signal.aborted).toBe(true);
    expect(wait.timedOut).toBe(false);
    expect((wait.signal.reason as Error).message).toBe("stop");
    wait.clear();
  });

  it("starts aborted for an aborted caller signal", () => {
    const wait = deadline(60_000, AbortSignal.abort("gone"));
    expect(wait.signal.aborted).toBe(true);
    expect(wait.signal.reason).toBe("gone");
  });

  it("never aborts once cleared", async () => {
    const caller = new AbortController();
    const wait = deadline(5, caller.signal);
    wait.clear();
    await new Promise((resolve) => setTimeout(resolve, 20));
    caller.abort();
    expect(wait.signal.aborted).toBe(false);
  });
});
