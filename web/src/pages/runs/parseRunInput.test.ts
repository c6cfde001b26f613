import { describe, expect, it } from "vitest";
import { parseRunInput } from "./parseRunInput";

describe("parseRunInput", () => {
  it("takes empty text as no input", () => {
    expect(parseRunInput("  \n")).toEqual({ ok: true, value: null });
  });

  it("parses a JSON object", () => {
    expect(parseRunInput('{"name": "Ada", "n": [1, 2]}')).toEqual({ ok: true, value: { name: "Ada", n: [1, 2] } });
  });

  it("says why text is not JSON", () => {
    const parsed = parseRunInput("{name: Ada}");
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toMatch(/^The input is not valid JSON: /);
  });

  it.each(["[1, 2]", '"text"', "42", "null"])("refuses %s, which is JSON but not an object", (text) => {
    expect(parseRunInput(text)).toEqual({
      ok: false,
      message: 'The input must be a JSON object, such as {"name": "Ada"}.',
    });
  });
});
