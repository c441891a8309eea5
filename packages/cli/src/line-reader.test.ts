import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { LineReader } from "./line-reader.js";

function reader() {
  const input = new PassThrough();
  const output = new PassThrough();
  let written = "";
  output.on("data", (chunk) => {
    written += String(chunk);
  });
  return { input, lines: new LineReader({ input, output }), written: () => written };
}

describe("LineReader", () => {
  it("keeps answers piped ahead of their prompts", async () => {
    const { input, lines, written } = reader();
    input.end("1\n 1111 \nlast");
    expect(await lines.question("Index: ")).toBe("1");
    expect(await lines.question("PIN: ")).toBe("1111");
    expect(await lines.question("More: ")).toBe("last");
    expect(await lines.question("Gone: ")).toBeUndefined();
    expect(written()).toBe("Index: PIN: More: ");
  });

  it("waits for a line typed after its prompt", async () => {
    const { input, lines } = reader();
    const answer = lines.question("> ");
    input.write("play\n");
    expect(await answer).toBe("play");
    lines.close();
    expect(await lines.question("> ")).toBeUndefined();
  });
});
