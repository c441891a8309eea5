import { homedir } from "node:os";
import { describe, expect, it } from "vitest";
import { homeDirectory } from "./home-directory.js";

describe("homeDirectory", () => {
  it("is HOME when set, as os.homedir() would answer", () => {
    expect(homeDirectory({ HOME: "/home/someone" }, "linux")).toBe("/home/someone");
    expect(homeDirectory({ HOME: "/Users/someone" }, "darwin")).toBe("/Users/someone");
    expect(homeDirectory()).toBe(homedir());
  });

  it("asks the system when HOME is unset or empty", () => {
    expect(homeDirectory({}, "linux")).toBe(homedir());
    expect(homeDirectory({ HOME: "" }, "linux")).toBe(homedir());
  });

  // On Windows os.homedir() reads USERPROFILE, and a HOME set by Git Bash or MSYS2 must
  // not move the storage file away from where pyatv keeps it.
  it("leaves Windows to os.homedir(), whatever HOME says", () => {
    expect(homeDirectory({ HOME: "/c/Users/someone" }, "win32")).toBe(homedir());
  });
});
