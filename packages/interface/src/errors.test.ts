import { describe, expect, it, vi } from "vitest";
import * as errors from "./errors.js";
import {
  AtvError,
  ConnectionLostError,
  HttpError,
  NoServiceError,
  NotSupportedError,
  PairingError,
  ProtocolError,
} from "./errors.js";

const classes = Object.values(errors) as (typeof AtvError)[];

// Every exception in pyatv's exceptions.py, with "Error" appended where pyatv has none.
const PYATV_EXCEPTIONS = [
  "NoServiceError",
  "UnsupportedProtocolError",
  "ConnectionFailedError",
  "ConnectionLostError",
  "PairingError",
  "AuthenticationError",
  "NotSupportedError",
  "InvalidDmapDataError",
  "UnknownMediaKindError",
  "UnknownPlayStateError",
  "NoAsyncListenerError",
  "NoCredentialsError",
  "InvalidCredentialsError",
  "DeviceIdMissingError",
  "BackOffError",
  "PlaybackError",
  "CommandError",
  "NonLocalSubnetError",
  "InvalidStateError",
  "ProtocolError",
  "HttpError",
  "InvalidConfigError",
  "BlockedStateError",
  "InvalidResponseError",
  "OperationTimeoutError",
  "SettingsError",
];

function construct(errorClass: typeof AtvError, message = "boom", options?: ErrorOptions) {
  return errorClass === HttpError
    ? new HttpError(message, 500, options)
    : new errorClass(message, options);
}

describe("errors", () => {
  it("has a class for every pyatv exception, and nothing else besides the base", () => {
    expect(Object.keys(errors).sort()).toEqual(["AtvError", ...PYATV_EXCEPTIONS].sort());
  });

  it("gives every class a distinct, well-formed code", () => {
    const codes = classes.map((c) => c.code);
    expect(new Set(codes).size).toBe(classes.length);
    for (const code of codes) expect(code).toMatch(/^ERR_ATV(_[A-Z]+)*$/);
  });

  it.each(classes.map((c) => [c.name, c] as const))("%s has its name and code", (name, c) => {
    const error = construct(c);
    expect(error.name).toBe(name);
    expect(error.code).toBe(c.code);
    expect(error.message).toBe("boom");
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(AtvError);
    expect(error).toBeInstanceOf(c);
    expect(String(error)).toBe(`${name}: boom`);
    expect(error.stack?.startsWith(`${name}: boom`)).toBe(true);
  });

  it("has stable codes (users match on them)", () => {
    expect(new NoServiceError().code).toBe("ERR_ATV_NO_SERVICE");
    expect(new PairingError().code).toBe("ERR_ATV_PAIRING");
    expect(new HttpError("x", 404).code).toBe("ERR_ATV_HTTP");
    expect(new AtvError().code).toBe("ERR_ATV");
  });

  it("keeps the cause", () => {
    const cause = new Error("socket hang up");
    const error = new ConnectionLostError("lost", { cause });
    expect(error.cause).toBe(cause);
    expect(new HttpError("x", 500, { cause }).cause).toBe(cause);
    expect(new PairingError("no cause").cause).toBeUndefined();
  });

  it("keeps HTTP status codes, and HttpError is a ProtocolError", () => {
    const error = new HttpError("not found", 404);
    expect(error.statusCode).toBe(404);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(new ProtocolError("x")).not.toBeInstanceOf(HttpError);
  });

  it("keeps instanceof specific to each class", () => {
    const lost = new ConnectionLostError("lost");
    expect(lost instanceof PairingError).toBe(false);
    expect(lost instanceof ProtocolError).toBe(false);
    for (const a of classes) {
      for (const b of classes) {
        const expected = a === b || (a === HttpError && b === ProtocolError) || b === AtvError;
        expect(construct(a) instanceof b, `${a.name} instanceof ${b.name}`).toBe(expected);
      }
    }
  });

  it("rejects non-errors and foreign errors", () => {
    for (const value of [undefined, null, 0, "ERR_ATV_PAIRING", {}, new Error("x"), () => 0]) {
      expect(value instanceof AtvError).toBe(false);
      expect(value instanceof PairingError).toBe(false);
    }
    // Same name and code, but no brand: not ours.
    const lookalike = Object.assign(new Error("x"), {
      name: "PairingError",
      code: "ERR_ATV_PAIRING",
    });
    expect(lookalike instanceof PairingError).toBe(false);
  });

  it("recognises errors of another copy of the package by their brand", () => {
    const foreign = {
      [Symbol.for("atv.error.ERR_ATV")]: true,
      [Symbol.for("atv.error.ERR_ATV_PAIRING")]: true,
    };
    expect(foreign instanceof PairingError).toBe(true);
    expect(foreign instanceof AtvError).toBe(true);
    expect(foreign instanceof ConnectionLostError).toBe(false);
  });

  it("recognises errors of a second, separately loaded copy of the module", async () => {
    vi.resetModules();
    const copy = await import("./errors.js");
    expect(copy.PairingError).not.toBe(PairingError);
    const theirs = new copy.HttpError("x", 401);
    expect(theirs instanceof HttpError).toBe(true);
    expect(theirs instanceof ProtocolError).toBe(true);
    expect(theirs instanceof AtvError).toBe(true);
    expect(theirs instanceof PairingError).toBe(false);
    expect(new PairingError() instanceof copy.PairingError).toBe(true);
    expect(new PairingError() instanceof copy.NotSupportedError).toBe(false);
  });

  it("keeps brands out of enumeration, spreads and JSON", () => {
    const error = new NotSupportedError("nope");
    const brands = Object.getOwnPropertySymbols(error);
    expect(brands.map((s) => s.description).sort()).toEqual([
      "atv.error.ERR_ATV",
      "atv.error.ERR_ATV_NOT_SUPPORTED",
    ]);
    for (const brand of brands) {
      expect(Object.getOwnPropertyDescriptor(error, brand)?.enumerable).toBe(false);
    }
    expect(Object.getOwnPropertySymbols({ ...error })).toEqual([]);
    expect(JSON.stringify(error)).not.toContain("atv.error");
  });

  it("lets users subclass with or without a code of their own", () => {
    class MyPairingError extends PairingError {}
    class DecodeError extends ProtocolError {
      static override readonly code: string = "ERR_MY_DECODE";
      override readonly name: string = "DecodeError";
    }
    const mine = new MyPairingError("x");
    expect(mine).toBeInstanceOf(PairingError);
    expect(mine.code).toBe("ERR_ATV_PAIRING");
    expect(new PairingError("x") instanceof MyPairingError).toBe(false);

    const decode = new DecodeError("bad");
    expect(decode.code).toBe("ERR_MY_DECODE");
    expect(decode).toBeInstanceOf(ProtocolError);
    expect(decode).toBeInstanceOf(DecodeError);
    expect(new ProtocolError("x") instanceof DecodeError).toBe(false);
  });
});
