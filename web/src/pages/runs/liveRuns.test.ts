import { describe, expect, it } from "vitest";
import type { AutomationRunStatus } from "../../gql/graphql";
import { applyRunChange } from "./liveRuns";

interface Row {
  id: string;
  status: AutomationRunStatus;
  attempts: number;
}

const queued: Row = { id: "a", status: "QUEUED", attempts: 0 };
const other: Row = { id: "b", status: "SUCCEEDED", attempts: 1 };
const every = { status: null, firstPage: true };

describe("applyRunChange", () => {
  it("updates a listed run in place", () => {
    const running: Row = { ...queued, status: "RUNNING", attempts: 1 };
    expect(applyRunChange([other, queued], running, every)).toEqual([other, running]);
  });

  it("puts a new run at the top of the first page", () => {
    expect(applyRunChange([other], queued, every)).toEqual([queued, other]);
  });

  it("leaves later pages alone when a run is new", () => {
    expect(applyRunChange([other], queued, { status: null, firstPage: false })).toEqual([other]);
  });

  it("adds only runs in the filter's status, and drops those that leave it", () => {
    const onlyQueued = { status: "QUEUED" as const, firstPage: true };
    expect(applyRunChange([], other, onlyQueued)).toEqual([]);
    expect(applyRunChange([queued], { ...queued, status: "SUCCEEDED" }, onlyQueued)).toEqual([]);
  });
});
