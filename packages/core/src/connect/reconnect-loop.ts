import { setTimeout as sleep } from "node:timers/promises";
import { ConnectionLostError, deadline } from "@atv/interface";
import { backoffDelay, type ReconnectPolicy } from "./reconnect-policy.js";

export interface ReconnectLoopOptions<T> {
  readonly policy: ReconnectPolicy;
  /** Stops the loop (the device is closed): it then rejects with the signal's reason. */
  readonly signal: AbortSignal;
  /** Why reconnection began. */
  readonly lossError: Error;
  /** One attempt to connect again; its signal aborts when the loop stops or gives up. */
  attempt(signal: AbortSignal): Promise<T>;
  /** Told before each wait: the attempt that follows it, the wait, and what failed last. */
  onWait?(attempt: number, delayMs: number, error: Error): void;
  random?: () => number;
}

/**
 * Attempts after growing waits until one succeeds (its result), the policy's limit is
 * reached (ConnectionLostError, the last failure as its cause) or `signal` aborts.
 */
export async function reconnectWithBackoff<T>(options: ReconnectLoopOptions<T>): Promise<T> {
  const { policy } = options;
  const budget =
    policy.giveUpAfter === undefined ? undefined : deadline(policy.giveUpAfter, options.signal);
  const signal = budget?.signal ?? options.signal;
  let error = options.lossError;
  let attempts = 0;
  try {
    while (attempts < policy.maxAttempts) {
      attempts++;
      const delay = backoffDelay(policy, attempts, options.random);
      options.onWait?.(attempts, delay, error);
      try {
        await sleep(delay, undefined, { signal });
        return await options.attempt(signal);
      } catch (cause) {
        if (options.signal.aborted) throw options.signal.reason;
        if (budget?.timedOut) break;
        error = cause instanceof Error ? cause : new Error(String(cause));
      }
    }
    const limit = budget?.timedOut
      ? `${policy.giveUpAfter} ms`
      : `${attempts} attempt${attempts === 1 ? "" : "s"}`;
    throw new ConnectionLostError(`gave up reconnecting after ${limit}`, { cause: error });
  } finally {
    budget?.clear();
  }
}
