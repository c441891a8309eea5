import { describe, expect, it } from "vitest";
import { type OptionSpecs, parseCommandLine } from "./command-line.js";
import { UsageError } from "./usage-error.js";

const SPECS: OptionSpecs = {
  name: { type: "string", short: "n" },
  port: { type: "string" },
  debug: { type: "boolean" },
};

const refusal = (argv: string[], options?: { allowPositionals?: boolean }) => {
  try {
    parseCommandLine(argv, SPECS, options);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error("accepted");
};

describe("parseCommandLine", () => {
  it("reads options and positionals", () => {
    const cmd = parseCommandLine(["-n", "Den", "--debug", "play", "--port=7"], SPECS);
    expect(cmd.text("name")).toBe("Den");
    expect(cmd.flag("debug")).toBe(true);
    expect(cmd.value("port", Number)).toBe(7);
    expect(cmd.positionals).toEqual(["play"]);
  });

  it("words refusals as argparse does", () => {
    expect(refusal(["--nope", "-x", "play"])).toBe("unrecognized arguments: --nope -x");
    expect(refusal(["play", "-n"])).toBe("argument -n/--name: expected one argument");
    expect(refusal(["--port"])).toBe("argument --port: expected one argument");
    expect(refusal(["--debug=yes"])).toBe("argument --debug: ignored explicit argument 'yes'");
    expect(refusal(["extra"], { allowPositionals: false })).toBe("unrecognized arguments: extra");
  });
});
