// Verifying a connection before use, by the kind of credentials at hand (pyatv's
// protocols/airplay/auth/__init__.py pair_verify and verify_connection): HAP credentials
// run pair-verify, transient ones a transient pair-setup, legacy ones the legacy verify,
// and no credentials nothing at all.

import {
  CredentialsType,
  type HapCredentials,
  NO_CREDENTIALS,
  PairSetupClient,
  type PairSetupClientOptions,
  PairVerifyClient,
  type PairVerifyClientOptions,
  parseCredentials,
  type SharedSecret,
  TlvFlags,
  TRANSIENT_CREDENTIALS,
} from "@atv/hap";
import { AuthenticationError, PairingError, type Service } from "@atv/interface";
import { AirPlayFeature, hasFeature, parseFeatures } from "../features.js";
import type { HttpExchange } from "../http/types.js";
import { HAP_PAIRING_HEADERS, TRANSIENT_PAIRING_HEADERS } from "./headers.js";
import { legacyPairVerify } from "./legacy-verify.js";
import { type AuthOptions, post } from "./procedure.js";

/** The fixed PIN of transient pairing (pyatv's hap_transient.py). */
export const TRANSIENT_PIN = 3939;

/**
 * HAP pair-verify over /pair-verify. Returns the shared secret to derive the channel
 * keys from (see keys.ts). A device that does not know the credentials, or cannot prove
 * it is the paired device, makes an AuthenticationError.
 */
export async function hapPairVerify(
  credentials: HapCredentials,
  exchange: HttpExchange,
  opts: AuthOptions & { readonly client?: PairVerifyClientOptions } = {},
): Promise<SharedSecret> {
  const client = new PairVerifyClient(credentials, opts.client);
  const send = async (message: Uint8Array): Promise<Uint8Array> =>
    (await post(exchange, "/pair-verify", HAP_PAIRING_HEADERS, message, opts)).body;
  const m2 = await send(client.m1());
  return client.finish(await send(client.m3(m2)));
}

/**
 * Transient pairing, AirPlay 2's stand-in for a verify when nothing is stored: a
 * pair-setup with the transient flag and PIN 3939 that ends at M4, whose SRP session key
 * is the shared secret. pyatv treats it as its verify step, and so does this.
 */
export async function transientPairVerify(
  exchange: HttpExchange,
  opts: AuthOptions & { readonly client?: PairSetupClientOptions } = {},
): Promise<SharedSecret> {
  await post(exchange, "/pair-pin-start", TRANSIENT_PAIRING_HEADERS, undefined, opts);
  const client = new PairSetupClient({ ...opts.client, flags: TlvFlags.TransientPairing });
  const send = async (message: Uint8Array): Promise<Uint8Array> =>
    (await post(exchange, "/pair-setup", TRANSIENT_PAIRING_HEADERS, message, opts)).body;
  client.receiveM2(await send(client.m1()));
  const m4 = await send(client.m3(TRANSIENT_PIN));
  try {
    return client.finishTransient(m4);
  } catch (error) {
    // Refusing the fixed PIN is refusing the connection, not a failed pairing by a user.
    if (error instanceof PairingError) {
      throw new AuthenticationError("transient pairing: device refused it", { cause: error });
    }
    throw error;
  }
}

/**
 * Verifies a connection with whatever the credentials call for and returns the secret to
 * encrypt with, or undefined when the connection stays in clear (no credentials, or
 * legacy ones, whose verify yields no keys).
 */
export async function verifyConnection(
  credentials: HapCredentials,
  exchange: HttpExchange,
  opts: AuthOptions = {},
): Promise<SharedSecret | undefined> {
  switch (credentials.type) {
    case CredentialsType.Null:
      opts.signal?.throwIfAborted();
      return undefined;
    case CredentialsType.Legacy:
      await legacyPairVerify(credentials, exchange, opts);
      return undefined;
    case CredentialsType.Hap:
      return hapPairVerify(credentials, exchange, opts);
    case CredentialsType.Transient:
      return transientPairVerify(exchange, opts);
  }
}

/**
 * The credentials to verify a service with (pyatv's extract_credentials): its own if it
 * has any; else transient ones if it announces system or CoreUtils pairing; else none.
 * Stored credentials that do not parse are an InvalidCredentialsError. A feature string
 * that does not parse counts as no features (pyatv would raise).
 */
export function extractCredentials(service: Service): HapCredentials {
  if (service.credentials !== undefined) return parseCredentials(service.credentials);
  // pyatv reads "features" first here, "ft" first when guessing the AirPlay version.
  const text = service.properties.get("features") ?? service.properties.get("ft") ?? "0x0";
  const features = parseFeatures(text) ?? 0n;
  if (
    hasFeature(features, AirPlayFeature.SupportsSystemPairing) ||
    hasFeature(features, AirPlayFeature.SupportsCoreUtilsPairingAndEncryption)
  ) {
    return TRANSIENT_CREDENTIALS;
  }
  return NO_CREDENTIALS;
}
