import { describe, expect, it } from "vitest";
import { AnswerWaiters } from "./answer-waiters.js";
import { OperationTimeoutError } from "./errors.js";

describe("AnswerWaiters", () => {
  it("hands answers to the oldest waiter of a key, and only to waiters of that key", async () => {
    const waiters = new AnswerWaiters<string, number>();
    const sent: string[] = [];
    const first = waiters.wait("a", { timeout: 5000, what: "a1" }, () => sent.push("a1"));
    const second = waiters.wait("a", { timeout: 5000, what: "a2" }, () => sent.push("a2"));
    expect(sent).toEqual(["a1", "a2"]);
    expect(waiters.answer("b", 0)).toBe(false);
    expect(waiters.answer("a", 1)).toBe(true);
    expect(waiters.answer("a", 2)).toBe(true);
    expect(await first).toBe(1);
    expect(await second).toBe(2);
    expect(waiters.size).toBe(0);
    expect(waiters.answer("a", 3)).toBe(false);
  });

  it("rejects on timeout, on abort and when sending throws, leaving nothing behind", async () => {
    const waiters = new AnswerWaiters<number, string>();
    await expect(waiters.wait(1, { timeout: 5, what: "ping" }, () => {})).rejects.toThrow(
      new OperationTimeoutError("no answer to ping within 5 ms"),
    );
    const controller = new AbortController();
    const aborted = waiters.wait(
      2,
      { timeout: 5000, what: "x", signal: controller.signal },
      () => {},
    );
    controller.abort(new Error("stop"));
    await expect(aborted).rejects.toThrow("stop");
    await expect(
      waiters.wait(3, { timeout: 5000, what: "y" }, () => {
        throw new Error("cannot send");
      }),
    ).rejects.toThrow("cannot send");
    expect(waiters.size).toBe(0);
  });

  it("fails every waiter with one error, built only when someone waits", async () => {
    const waiters = new AnswerWaiters<number, string>();
    let built = 0;
    const reason = () => {
      built++;
      return new Error("lost");
    };
    waiters.failAll(reason);
    expect(built).toBe(0);
    const a = waiters.wait(1, { timeout: 5000, what: "a" }, () => {});
    const b = waiters.wait(2, { timeout: 5000, what: "b" }, () => {});
    waiters.failAll(reason);
    await expect(a).rejects.toThrow("lost");
    await expect(b).rejects.toThrow("lost");
    expect(built).toBe(1);
  });
});
