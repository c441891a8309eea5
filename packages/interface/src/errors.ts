// One class per failure, after pyatv's exceptions.py. Each class has a stable `code`;
// callers branch on classes or codes, never on message text.

const BRAND_PREFIX = "atv.error.";

function brandOf(code: string): symbol {
  return Symbol.for(BRAND_PREFIX + code);
}

/**
 * Base of every atv error. Subclasses declare their own static `code` and `name`.
 *
 * `instanceof` checks a brand, a `Symbol.for("atv.error.<code>")` property set on each
 * instance for every class in its chain, instead of the prototype chain: errors thrown by a
 * second installed copy of this package still match this copy's classes.
 */
export class AtvError extends Error {
  static readonly code: string = "ERR_ATV";
  override readonly name: string = "AtvError";
  readonly code: string;

  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.code = new.target.code;
    // Brand each class from the constructed one up to AtvError; classes without a code
    // of their own (plain user subclasses) share their parent's.
    for (
      let ctor: unknown = new.target;
      typeof ctor === "function" && ctor !== Error;
      ctor = Object.getPrototypeOf(ctor)
    ) {
      if (Object.hasOwn(ctor, "code")) {
        Object.defineProperty(this, brandOf((ctor as typeof AtvError).code), { value: true });
      }
    }
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class on the right of instanceof
    return hasBrand(this, value);
  }
}

function hasBrand(errorClass: typeof AtvError, value: unknown): boolean {
  // A subclass without a code of its own has no brand of its own: use the prototype chain.
  if (!Object.hasOwn(errorClass, "code")) {
    return Function.prototype[Symbol.hasInstance].call(errorClass, value);
  }
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[brandOf(errorClass.code)] === true
  );
}

/** The device has no service that can be used (for the requested protocol). */
export class NoServiceError extends AtvError {
  static override readonly code: string = "ERR_ATV_NO_SERVICE";
  override readonly name: string = "NoServiceError";
}

/** An unsupported protocol was requested (pyatv no longer raises this; kept for parity). */
export class UnsupportedProtocolError extends AtvError {
  static override readonly code: string = "ERR_ATV_UNSUPPORTED_PROTOCOL";
  override readonly name: string = "UnsupportedProtocolError";
}

/** A connection could not be made (refused, timed out, unreachable). */
export class ConnectionFailedError extends AtvError {
  static override readonly code: string = "ERR_ATV_CONNECTION_FAILED";
  override readonly name: string = "ConnectionFailedError";
}

/** An established connection was lost. */
export class ConnectionLostError extends AtvError {
  static override readonly code: string = "ERR_ATV_CONNECTION_LOST";
  override readonly name: string = "ConnectionLostError";
}

export class PairingError extends AtvError {
  static override readonly code: string = "ERR_ATV_PAIRING";
  override readonly name: string = "PairingError";
}

/** The device rejected our credentials or password, or a verify step failed. */
export class AuthenticationError extends AtvError {
  static override readonly code: string = "ERR_ATV_AUTHENTICATION";
  override readonly name: string = "AuthenticationError";
}

/** The action is not supported by the device or by any connected protocol. */
export class NotSupportedError extends AtvError {
  static override readonly code: string = "ERR_ATV_NOT_SUPPORTED";
  override readonly name: string = "NotSupportedError";
}

export class InvalidDmapDataError extends AtvError {
  static override readonly code: string = "ERR_ATV_INVALID_DMAP_DATA";
  override readonly name: string = "InvalidDmapDataError";
}

export class UnknownMediaKindError extends AtvError {
  static override readonly code: string = "ERR_ATV_UNKNOWN_MEDIA_KIND";
  override readonly name: string = "UnknownMediaKindError";
}

export class UnknownPlayStateError extends AtvError {
  static override readonly code: string = "ERR_ATV_UNKNOWN_PLAY_STATE";
  override readonly name: string = "UnknownPlayStateError";
}

/** Push updates were started with no listener to receive them. */
export class NoAsyncListenerError extends AtvError {
  static override readonly code: string = "ERR_ATV_NO_ASYNC_LISTENER";
  override readonly name: string = "NoAsyncListenerError";
}

export class NoCredentialsError extends AtvError {
  static override readonly code: string = "ERR_ATV_NO_CREDENTIALS";
  override readonly name: string = "NoCredentialsError";
}

/** Credentials could not be parsed. */
export class InvalidCredentialsError extends AtvError {
  static override readonly code: string = "ERR_ATV_INVALID_CREDENTIALS";
  override readonly name: string = "InvalidCredentialsError";
}

/** A configuration has no identifier to store its settings under. */
export class DeviceIdMissingError extends AtvError {
  static override readonly code: string = "ERR_ATV_DEVICE_ID_MISSING";
  override readonly name: string = "DeviceIdMissingError";
}

/** The device asks us to wait before trying again (e.g. after failed pairing attempts). */
export class BackOffError extends AtvError {
  static override readonly code: string = "ERR_ATV_BACK_OFF";
  override readonly name: string = "BackOffError";
}

export class PlaybackError extends AtvError {
  static override readonly code: string = "ERR_ATV_PLAYBACK";
  override readonly name: string = "PlaybackError";
}

/** A command (play, pause, ...) was sent but the device reported that it failed. */
export class CommandError extends AtvError {
  static override readonly code: string = "ERR_ATV_COMMAND";
  override readonly name: string = "CommandError";
}

/** The address is in no local subnet (pyatv no longer raises this; kept for parity). */
export class NonLocalSubnetError extends AtvError {
  static override readonly code: string = "ERR_ATV_NON_LOCAL_SUBNET";
  override readonly name: string = "NonLocalSubnetError";
}

/** The action is not possible in the current state. */
export class InvalidStateError extends AtvError {
  static override readonly code: string = "ERR_ATV_INVALID_STATE";
  override readonly name: string = "InvalidStateError";
}

/**
 * Anything that goes wrong talking to a device and has no class of its own: missing
 * fields, wrong types, unexpected messages.
 */
export class ProtocolError extends AtvError {
  static override readonly code: string = "ERR_ATV_PROTOCOL";
  override readonly name: string = "ProtocolError";
}

/** An HTTP or RTSP request got an error status. */
export class HttpError extends ProtocolError {
  static override readonly code: string = "ERR_ATV_HTTP";
  override readonly name: string = "HttpError";
  readonly statusCode: number;

  constructor(message: string, statusCode: number, options?: ErrorOptions) {
    super(message, options);
    this.statusCode = statusCode;
  }
}

/** Something is wrong or missing in a device configuration. */
export class InvalidConfigError extends AtvError {
  static override readonly code: string = "ERR_ATV_INVALID_CONFIG";
  override readonly name: string = "InvalidConfigError";
}

/** A method of a closed device (or one whose connection was lost) was called. */
export class BlockedStateError extends AtvError {
  static override readonly code: string = "ERR_ATV_BLOCKED_STATE";
  override readonly name: string = "BlockedStateError";
}

export class InvalidResponseError extends AtvError {
  static override readonly code: string = "ERR_ATV_INVALID_RESPONSE";
  override readonly name: string = "InvalidResponseError";
}

export class OperationTimeoutError extends AtvError {
  static override readonly code: string = "ERR_ATV_OPERATION_TIMEOUT";
  override readonly name: string = "OperationTimeoutError";
}

export class SettingsError extends AtvError {
  static override readonly code: string = "ERR_ATV_SETTINGS";
  override readonly name: string = "SettingsError";
}
