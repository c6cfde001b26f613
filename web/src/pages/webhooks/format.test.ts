import { describe, expect, it } from "vitest";
import {
  describeEventTypes,
  describeState,
  eventTypesInput,
  formatAge,
  formatLatency,
  formatRate,
  windowOf,
  withLiveChanges,
} from "./format";

describe("windowOf", () => {
  it("reads the URL's window and defaults to the last hour", () => {
    expect(windowOf("24h").window).toBe("TWENTY_FOUR_HOURS");
    expect(windowOf("1h").window).toBe("ONE_HOUR");
    expect(windowOf(null).window).toBe("ONE_HOUR");
    expect(windowOf("7d").window).toBe("ONE_HOUR");
  });
});

describe("formatting stats", () => {
  it("shows a success rate as a percentage with one decimal", () => {
    expect(formatRate(1)).toBe("100 %");
    expect(formatRate(0.8765)).toBe("87.7 %");
    expect(formatRate(null)).toBe("—");
  });

  it("shows latencies in ms below a second, in seconds above", () => {
    expect(formatLatency(240)).toBe("240 ms");
    expect(formatLatency(1540)).toBe("1.5 s");
    expect(formatLatency(null)).toBe("—");
  });

  it("shows ages in the largest unit that fits", () => {
    expect(formatAge(42)).toBe("42 s");
    expect(formatAge(300)).toBe("5 min");
    expect(formatAge(3900)).toBe("1 h 5 min");
    expect(formatAge(undefined)).toBe("—");
  });
});

describe("event types", () => {
  it("sends null (every type) when none is ticked", () => {
    expect(eventTypesInput(new Set(), ["a", "b"])).toBeNull();
  });

  it("sends the ticked types in the catalog's order", () => {
    expect(eventTypesInput(new Set(["b", "a"]), ["a", "b", "c"])).toEqual(["a", "b"]);
  });

  it("keeps a ticked type the catalog no longer lists", () => {
    expect(eventTypesInput(new Set(["old", "a"]), ["a"])).toEqual(["a", "old"]);
  });

  it("describes null as every event", () => {
    expect(describeEventTypes(null)).toBe("All events");
    expect(describeEventTypes(["report.created", "report.updated"])).toBe("report.created, report.updated");
  });
});

describe("describeState", () => {
  it("says why an endpoint is disabled", () => {
    expect(describeState(true, null)).toBe("Enabled");
    expect(describeState(false, "MANUAL")).toBe("Disabled (by hand)");
    expect(describeState(false, "FAILING")).toMatch(/failing/);
  });
});

describe("withLiveChanges", () => {
  const queried = [
    { id: "2", status: "PENDING" },
    { id: "1", status: "DELIVERED" },
  ];

  it("updates a listed delivery in place with its latest change", () => {
    const changes = [
      { id: "2", status: "PENDING" },
      { id: "2", status: "DELIVERED" },
    ];
    expect(withLiveChanges(queried, changes)).toEqual([
      { id: "2", status: "DELIVERED" },
      { id: "1", status: "DELIVERED" },
    ]);
  });

  it("puts new deliveries on top, the newest first", () => {
    const changes = [
      { id: "3", status: "PENDING" },
      { id: "4", status: "PENDING" },
      { id: "3", status: "DELIVERED" },
    ];
    expect(withLiveChanges(queried, changes).map((item) => item.id)).toEqual(["4", "3", "2", "1"]);
    expect(withLiveChanges(queried, changes)[1]).toEqual({ id: "3", status: "DELIVERED" });
  });

  it("leaves the list as queried without changes", () => {
    expect(withLiveChanges(queried, [])).toEqual(queried);
  });
});
