import { homedir } from "node:os";
import { describe, expect, it } from "vitest";
import { homeDirectory } from "./home-directory.js";

describe("homeDirectory", () => {
  it("is HOME when set, as os.homedir() would answer", () => {
    expect(homeDirectory({ HOME: "/home/someone" })).toBe("/home/someone");
    expect(homeDirectory()).toBe(homedir());
  });

  it("asks the system when HOME is unset or empty", () => {
    expect(homeDirectory({})).toBe(homedir());
    expect(homeDirectory({ HOME: "" })).toBe(homedir());
  });
});
