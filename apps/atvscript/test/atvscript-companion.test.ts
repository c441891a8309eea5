// atvscript's commands beyond pyatv's (keyboard, touch, power, apps), and push_updates'
// focus lines, against a tvOS 17 fake paired over Companion and AirPlay.
import { FakeAppleTV } from "@atv/core/fake";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pairWithCli, runCli, startCli } from "../../../scripts/cli-test-support.js";

describe("atvscript over Companion", () => {
  let fake: FakeAppleTV;
  let base: string[];
  let companion: string[];
  let both: string[];

  const atvscript = async (args: string[], command: string) => {
    const { code, stdout } = await runCli("atvscript", [...args, command]);
    expect(code).toBe(0);
    return JSON.parse(stdout) as Record<string, unknown>;
  };

  beforeAll(async () => {
    fake = await FakeAppleTV.start({ profile: "tvos17", address: "127.0.0.1", mdnsPort: 0 });
    base = ["-s", "127.0.0.1", "--mdns-port", String(fake.mdnsPort)];
    companion = [...base, "--companion-credentials", await pairWithCli(base, "companion")];
    both = [...companion, "--airplay-credentials", await pairWithCli(base, "airplay")];
  });
  afterAll(() => fake.close());

  it("answers keyboard commands with the text and the focus state", async () => {
    expect(await atvscript(companion, "text_set=a,b")).toMatchObject({
      result: "success",
      command: "text_set",
    });
    expect(await atvscript(companion, "text_get")).toMatchObject({
      result: "success",
      text: "a,b",
    });
    expect(await atvscript(companion, "text_focus_state")).toMatchObject({
      focus_state: "focused",
    });
  });

  it("lists apps, and reports and changes the power state", async () => {
    const apps = (await atvscript(companion, "app_list")).apps as unknown[];
    expect(apps).toContainEqual({ name: "Netflix", identifier: "com.netflix.Netflix" });
    expect(await atvscript(companion, "turn_off")).toMatchObject({ command: "turn_off" });
    expect(await atvscript(companion, "power_state")).toMatchObject({ power_state: "off" });
    await atvscript(companion, "turn_on");
    expect(fake.companion?.state.poweredOn).toBe(true);
  });

  it("runs touch gestures and takes arguments after '=' for buttons too", async () => {
    const before = fake.companion?.state.touches.length ?? 0;
    expect(await atvscript(companion, "action=10,20,1")).toMatchObject({ command: "action" });
    expect(fake.companion?.state.touches.slice(before)).toEqual([{ phase: 1, x: 10, y: 20 }]);
    const failed = await atvscript(companion, "click=9");
    expect(failed.result).toBe("failure");
  });

  it("prints a focus_state line in push_updates when a text field gains or loses focus", async () => {
    const cli = startCli("atvscript", [...both, "push_updates"]);
    const focusLines = () => cli.jsonLines().filter((line) => "focus_state" in line);
    try {
      await cli.until(() => cli.jsonLines().find((line) => "power_state" in line));
      fake.companion?.state.setTextFocus(false);
      expect(await cli.until(() => focusLines()[0])).toMatchObject({
        result: "success",
        focus_state: "unfocused",
      });
      fake.companion?.state.setTextFocus(true);
      expect(await cli.until(() => focusLines()[1])).toMatchObject({ focus_state: "focused" });
      cli.child.stdin.end("\n");
      expect(await cli.exit).toBe(0);
      expect(cli.jsonLines().at(-1)).toMatchObject({ push_updates: "finished" });
    } finally {
      fake.companion?.state.setTextFocus(true);
      cli.child.kill();
    }
  });
});
