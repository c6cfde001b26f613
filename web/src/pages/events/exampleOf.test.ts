import { describe, expect, it } from "vitest";
import { exampleOf } from "./exampleOf";

describe("exampleOf", () => {
  it("uses the schema's own examples first", () => {
    expect(exampleOf({ type: "object", examples: [{ id: "given" }] })).toEqual({ id: "given" });
    expect(exampleOf({ type: "string", example: "also given" })).toBe("also given");
  });

  it("builds an object from its properties, by type and format", () => {
    expect(
      exampleOf({
        type: "object",
        properties: {
          id: { type: "string", format: "uuid" },
          at: { type: "string", format: "date-time" },
          name: { type: "string" },
          count: { type: "integer" },
          ratio: { type: "number" },
          live: { type: "boolean" },
          tags: { type: "array", items: { type: "string" } },
        },
      }),
    ).toEqual({
      id: "3f0c2a51-7d4e-4b8a-9a8e-2c1f5d6e7a90",
      at: "2026-11-24T10:00:00Z",
      name: "string",
      count: 1,
      ratio: 1.5,
      live: true,
      tags: ["string"],
    });
  });

  it("follows $refs to $defs and takes an enum's first value", () => {
    expect(
      exampleOf({
        $defs: { Status: { type: "string", enum: ["queued", "running"] } },
        type: "object",
        properties: { status: { $ref: "#/$defs/Status", description: "Where it stands." } },
      }),
    ).toEqual({ status: "queued" });
  });

  it("takes the non-null branch of an optional value", () => {
    expect(
      exampleOf({
        type: "object",
        properties: {
          output: { anyOf: [{ type: "object", additionalProperties: true }, { type: "null" }] },
          note: { anyOf: [{ type: "null" }, { type: "string" }] },
          only: { type: ["null", "integer"] },
        },
      }),
    ).toEqual({ output: {}, note: "string", only: 1 });
  });

  it("stops at a recursive schema instead of looping", () => {
    const tree = {
      $defs: { Node: { type: "object", properties: { child: { $ref: "#/$defs/Node" } } } },
      $ref: "#/$defs/Node",
    };
    expect(JSON.stringify(exampleOf(tree))).toContain("null");
  });

  it("gives null for what is not a schema", () => {
    expect(exampleOf(null)).toBeNull();
    expect(exampleOf([1])).toBeNull();
  });
});
