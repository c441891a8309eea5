import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pythonJson } from "./python-json.js";

describe("pythonJson", () => {
  it("writes json.dumps' separators", () => {
    // json.dumps({"result": "success", "devices": [{"port": 7000}, None]})
    expect(pythonJson({ result: "success", devices: [{ port: 7000 }, null] })).toBe(
      '{"result": "success", "devices": [{"port": 7000}, null]}',
    );
    expect(pythonJson({})).toBe("{}");
    expect(pythonJson([])).toBe("[]");
  });

  it("escapes non-ASCII as json.dumps' ensure_ascii does", () => {
    // json.dumps({"name": "Sök 📺"}) in Python
    expect(pythonJson({ name: "Sök 📺" })).toBe('{"name": "S\\u00f6k \\ud83d\\udcfa"}');
    expect(pythonJson("tab\there\u007f")).toBe('"tab\\there\\u007f"');
  });

  it("leaves out undefined members as JSON.stringify does", () => {
    expect(pythonJson({ a: undefined, b: 1, c: [undefined] })).toBe('{"b": 1, "c": [null]}');
  });

  it("reads back as the value it was given", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(pythonJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});
