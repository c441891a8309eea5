import { InputAction } from "@atv/interface";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseBooleanArg, parseEnumArg, parseNumberArg } from "./command-args.js";
import { UsageError } from "./usage-error.js";

describe("parseNumberArg", () => {
  it("takes finite numbers as typed", () => {
    expect(parseNumberArg("42", "set_position")).toBe(42);
    expect(parseNumberArg("15.5", "skip_forward")).toBe(15.5);
    expect(parseNumberArg("-3", "skip_backward")).toBe(-3);
  });

  it.each(["", " ", "abc", "NaN", "Infinity", "1e999"])("refuses %j", (text) => {
    expect(() => parseNumberArg(text, "set_position")).toThrow(
      new UsageError(`set_position: '${text}' is not a number`),
    );
  });

  it("refuses a value below the minimum, and only then", () => {
    expect(parseNumberArg("0", "set_volume", { min: 0 })).toBe(0);
    expect(parseNumberArg("100", "set_volume", { min: 0 })).toBe(100);
    expect(() => parseNumberArg("-1", "set_volume", { min: 0 })).toThrow(
      new UsageError("set_volume: '-1' is not a valid number"),
    );
    expect(() => parseNumberArg("x", "artwork_save", { min: 1 })).toThrow(
      new UsageError("artwork_save: 'x' is not a valid number"),
    );
  });
});

describe("parseBooleanArg", () => {
  it.each([
    [undefined, false],
    ["1", true],
    ["true", true],
    ["TRUE", true],
    ["0", false],
    ["False", false],
  ])("reads %j as %s", (text, expected) => {
    expect(parseBooleanArg(text)).toBe(expected);
  });

  it("refuses anything else", () => {
    expect(() => parseBooleanArg("yes")).toThrow(new UsageError("'yes' is not true or false"));
    expect(() => parseBooleanArg("")).toThrow(UsageError);
  });
});

describe("parseEnumArg", () => {
  it("takes a value by number or by name", () => {
    expect(parseEnumArg(InputAction, "1", "select")).toBe(InputAction.DoubleTap);
    expect(parseEnumArg(InputAction, "double_tap", "select")).toBe(InputAction.DoubleTap);
    expect(parseEnumArg(InputAction, "Hold", "select")).toBe(InputAction.Hold);
  });

  it("refuses what names no value, listing the values", () => {
    expect(() => parseEnumArg(InputAction, "9", "select")).toThrow(/use one of 0 \(SingleTap\)/);
  });
});

describe("every parser", () => {
  it("returns or throws UsageError, whatever is typed", () => {
    const parsers = [
      (text: string) => parseNumberArg(text, "c"),
      (text: string) => parseNumberArg(text, "c", { min: 0 }),
      (text: string) => parseBooleanArg(text),
      (text: string) => parseEnumArg(InputAction, text, "c"),
    ];
    fc.assert(
      fc.property(fc.string(), fc.constantFrom(...parsers), (text, parse) => {
        try {
          parse(text);
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
        }
      }),
    );
  });
});
