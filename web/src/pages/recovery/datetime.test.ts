import { describe, expect, it } from "vitest";
import { isoToLocalInput, localInputToIso } from "./datetime";

describe("datetime-local values and ISO moments", () => {
  it("read an input's value in the browser's time zone", () => {
    const local = new Date(2026, 11, 5, 22, 30, 0);
    expect(localInputToIso("2026-12-05T22:30")).toBe(local.toISOString());
    expect(localInputToIso("2026-12-05T22:30:15")).toBe(new Date(2026, 11, 5, 22, 30, 15).toISOString());
  });

  it("refuse empty and malformed values", () => {
    expect(localInputToIso("")).toBeNull();
    expect(localInputToIso("yesterday")).toBeNull();
    expect(localInputToIso("2026-02-30T10:00")).toBeNull();
  });

  it("round-trip through an input's value", () => {
    for (const value of ["2026-01-31T00:00", "2026-07-04T13:05:09"]) {
      expect(isoToLocalInput(localInputToIso(value))).toBe(value);
    }
    expect(isoToLocalInput(null)).toBe("");
    expect(isoToLocalInput("not a time")).toBe("");
  });
});
