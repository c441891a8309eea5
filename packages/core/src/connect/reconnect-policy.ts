import { InvalidConfigError } from "@atv/interface";

/** How connect() reconnects after a lost connection (pyatv has no reconnection). */
export interface ReconnectOptions {
  /** Wait before the first attempt, in milliseconds; it doubles each attempt. Default 1000. */
  initialDelay?: number;
  /** Longest wait between attempts, in milliseconds. Default 30000. */
  maxDelay?: number;
  /** Attempts before giving up (Infinity: no limit but `giveUpAfter`). Default 10. */
  maxAttempts?: number;
  /** Gives up this many milliseconds after the loss, whatever the attempt. Default: no limit. */
  giveUpAfter?: number;
  /**
   * Longest wait, in milliseconds, of a call made while reconnecting that has no
   * `timeout` of its own (its `signal` still ends it sooner). Default 5000; 0 rejects
   * such calls at once with ConnectionLostError.
   */
  callTimeout?: number;
}

export interface ReconnectPolicy {
  readonly initialDelay: number;
  readonly maxDelay: number;
  readonly maxAttempts: number;
  readonly giveUpAfter: number | undefined;
  readonly callTimeout: number;
}

const DEFAULTS = {
  initialDelay: 1000,
  maxDelay: 30_000,
  maxAttempts: 10,
  callTimeout: 5000,
} as const;

/** `true` means every default; invalid numbers are an InvalidConfigError. */
export function reconnectPolicy(options: true | ReconnectOptions): ReconnectPolicy {
  const given = options === true ? {} : options;
  const policy = {
    initialDelay: given.initialDelay ?? DEFAULTS.initialDelay,
    maxDelay: given.maxDelay ?? DEFAULTS.maxDelay,
    maxAttempts: given.maxAttempts ?? DEFAULTS.maxAttempts,
    giveUpAfter: given.giveUpAfter,
    callTimeout: given.callTimeout ?? DEFAULTS.callTimeout,
  };
  const { initialDelay, maxDelay, maxAttempts, giveUpAfter, callTimeout } = policy;
  if (!(initialDelay >= 0) || !(maxDelay >= initialDelay) || !Number.isFinite(maxDelay)) {
    throw new InvalidConfigError("reconnect delays must be finite, 0 <= initialDelay <= maxDelay");
  }
  if (!(maxAttempts >= 1)) throw new InvalidConfigError("reconnect maxAttempts must be >= 1");
  if (maxAttempts === Number.POSITIVE_INFINITY && giveUpAfter === undefined) {
    // Every wait of this library is bounded; so is this one.
    throw new InvalidConfigError("reconnect without maxAttempts needs giveUpAfter");
  }
  if (giveUpAfter !== undefined && !(giveUpAfter >= 0)) {
    throw new InvalidConfigError("reconnect giveUpAfter must be >= 0");
  }
  if (!(callTimeout >= 0)) throw new InvalidConfigError("reconnect callTimeout must be >= 0");
  return policy;
}

/**
 * The wait before `attempt` (from 1): exponential, capped at maxDelay, with "equal
 * jitter" (half fixed, half random) so that many clients of one restarted device do not
 * all come back at the same instant, yet none retries almost at once.
 */
export function backoffDelay(
  policy: ReconnectPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelay, policy.initialDelay * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
