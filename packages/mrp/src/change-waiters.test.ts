import { ConnectionLostError, OperationTimeoutError } from "@atv/interface";
import { describe, expect, it } from "vitest";
import { ChangeWaiters } from "./change-waiters.js";

describe("ChangeWaiters", () => {
  it("settles a wait with the first value it accepts, and only that wait", async () => {
    const waiters = new ChangeWaiters<number>();
    const even = waiters.wait((n) => n % 2 === 0, { what: "even" });
    const big = waiters.wait((n) => n > 10, { what: "big", timeout: 60_000 });
    waiters.notify(3);
    waiters.notify(4);
    await expect(even.promise).resolves.toBe(4);
    waiters.notify(12);
    await expect(big.promise).resolves.toBe(12);
  });

  it("rejects with OperationTimeoutError after the timeout", async () => {
    const waiters = new ChangeWaiters<number>();
    const wait = waiters.wait(() => true, { what: "value", timeout: 10 });
    await expect(wait.promise).rejects.toBeInstanceOf(OperationTimeoutError);
    await expect(wait.promise).rejects.toThrow("no value within 10 ms");
  });

  it("rejects with the signal's reason, also when already aborted", async () => {
    const waiters = new ChangeWaiters<number>();
    const reason = new Error("stop");
    await expect(
      waiters.wait(() => true, { what: "value", signal: AbortSignal.abort(reason) }).promise,
    ).rejects.toBe(reason);
    const controller = new AbortController();
    const wait = waiters.wait(() => true, { what: "value", signal: controller.signal });
    controller.abort(reason);
    await expect(wait.promise).rejects.toBe(reason);
  });

  it("drops a cancelled wait without settling it or leaving a rejection behind", async () => {
    const waiters = new ChangeWaiters<number>();
    const wait = waiters.wait(() => true, { what: "value", timeout: 5 });
    let settled = false;
    wait.promise.then(
      () => (settled = true),
      () => (settled = true),
    );
    wait.cancel();
    waiters.notify(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
  });

  it("rejects every wait, and every later one, with ConnectionLostError once closed", async () => {
    const waiters = new ChangeWaiters<number>();
    const before = waiters.wait(() => true, { what: "value" });
    const cause = new Error("socket reset");
    waiters.close(cause);
    await expect(before.promise).rejects.toBeInstanceOf(ConnectionLostError);
    await expect(before.promise).rejects.toMatchObject({ cause });
    await expect(waiters.wait(() => true, { what: "value" }).promise).rejects.toBeInstanceOf(
      ConnectionLostError,
    );
  });
});
