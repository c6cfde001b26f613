import { describe, expect, it } from "vitest";
import { progressOf } from "./progress";

describe("a recovery's progress", () => {
  it("counts done out of total while running", () => {
    expect(progressOf({ status: "RUNNING", total: 4, done: 1, failed: 0 })).toEqual({
      value: 1,
      max: 4,
      text: "Running: 1 of 4 done.",
    });
  });

  it("is full once a recovery of nothing completed", () => {
    const progress = progressOf({ status: "COMPLETED", total: 0, done: 0, failed: 0 });
    expect(progress.value).toBe(progress.max);
    expect(progress.text).toBe("Completed: 0 of 0 done, 0 failed.");
  });

  it("says why a failed recovery stopped", () => {
    expect(progressOf({ status: "FAILED", total: 3, done: 1, failed: 2 }).text).toMatch(/2 not sent back/);
  });
});
