// What the pairing procedures share: their options, how they send a request, and the
// shape of a pair-setup (pyatv's PairSetupProcedure: start shows the PIN, finish uses it).

import type { HapCredentials } from "@atv/hap";
import type { AbortOptions } from "@atv/interface";
import type {
  ExchangeOptions,
  HttpExchange,
  HttpResponse,
  OutgoingHeaders,
} from "../http/types.js";

export interface AuthOptions extends AbortOptions {
  /** Longest wait for each answer, in milliseconds (the exchange's default otherwise). */
  readonly timeout?: number;
}

/** A pair-setup with a device, in the two halves a PIN entry splits it into. */
export interface PairSetupProcedure {
  /** Asks the device to show a PIN (and, for HAP, sends the first message). */
  start(opts?: AuthOptions): Promise<void>;
  /** Completes pairing with the PIN the device shows and returns the new credentials. */
  finish(pin: string | number, opts?: AuthOptions): Promise<HapCredentials>;
}

/** POSTs a pairing message; a non-2xx answer is a typed error from the exchange. */
export async function post(
  exchange: HttpExchange,
  uri: string,
  headers: OutgoingHeaders,
  body: Uint8Array | undefined,
  opts: AuthOptions,
): Promise<HttpResponse> {
  opts.signal?.throwIfAborted();
  const options: ExchangeOptions = {
    ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    ...(opts.timeout === undefined ? {} : { timeout: opts.timeout }),
  };
  return exchange({ method: "POST", uri, headers, ...(body ? { body } : {}) }, options);
}
