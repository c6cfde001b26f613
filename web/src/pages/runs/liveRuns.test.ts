import { describe, expect, it } from "vitest";
import type { AutomationRunStatus } from "../../gql/graphql";
import { applyRunChange } from "./liveRuns";

interface Row {
  id: string;
  status: AutomationRunStatus;
  createdAt: string;
}

const older: Row = { id: "b", status: "SUCCEEDED", createdAt: "2026-11-24T10:00:00Z" };
const newer: Row = { id: "a", status: "QUEUED", createdAt: "2026-11-24T10:00:05.250Z" };
const everyRun = { status: null, firstPage: true, lastPage: true };
const firstOfMany = { status: null, firstPage: true, lastPage: false };

describe("applyRunChange", () => {
  it("updates a listed run in place", () => {
    const running: Row = { ...newer, status: "RUNNING" };
    expect(applyRunChange([newer, older], running, everyRun)).toEqual([running, older]);
  });

  it("puts a new run at the top of the first page", () => {
    expect(applyRunChange([older], newer, firstOfMany)).toEqual([newer, older]);
  });

  it("puts a run in its place by creation time, then id", () => {
    const between: Row = { id: "c", status: "QUEUED", createdAt: "2026-11-24T10:00:01Z" };
    const tie: Row = { id: "0", status: "QUEUED", createdAt: older.createdAt };
    expect(applyRunChange([newer, older], between, everyRun)).toEqual([newer, between, older]);
    expect(applyRunChange([newer, older], tie, everyRun)).toEqual([newer, older, tie]);
  });

  it("leaves out a run older than the page when a next page follows", () => {
    expect(applyRunChange([newer], older, firstOfMany)).toEqual([newer]);
    expect(applyRunChange([newer], older, everyRun)).toEqual([newer, older]);
  });

  it("leaves later pages alone when a run is new", () => {
    expect(applyRunChange([older], newer, { status: null, firstPage: false, lastPage: true })).toEqual([older]);
  });

  it("adds only runs in the filter's status, and drops those that leave it", () => {
    const onlyQueued = { status: "QUEUED" as const, firstPage: true, lastPage: true };
    expect(applyRunChange([], older, onlyQueued)).toEqual([]);
    expect(applyRunChange([newer], { ...newer, status: "SUCCEEDED" }, onlyQueued)).toEqual([]);
    expect(applyRunChange([], newer, onlyQueued)).toEqual([newer]);
  });
});
