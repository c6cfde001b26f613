import { describe, expect, it } from "vitest";
import { paramsOfRecoveryInput, recoveryInputOf } from "./params";

describe("a recovery's window in the URL", () => {
  it("needs a valid since", () => {
    expect(recoveryInputOf(new URLSearchParams(""))).toBeNull();
    expect(recoveryInputOf(new URLSearchParams("since=soon"))).toBeNull();
  });

  it("leaves out every-status and an invalid until", () => {
    const params = new URLSearchParams("since=2026-12-05T10:00:00.000Z&until=later&statuses=dead,skipped");
    expect(recoveryInputOf(params)).toEqual({ since: "2026-12-05T10:00:00.000Z" });
  });

  it("round-trips a window with one status", () => {
    const params = paramsOfRecoveryInput("2026-12-05T10:00:00.000Z", "2026-12-05T11:00:00.000Z", ["skipped"]);
    expect(params.toString()).toBe(
      "since=2026-12-05T10%3A00%3A00.000Z&until=2026-12-05T11%3A00%3A00.000Z&statuses=skipped",
    );
    expect(recoveryInputOf(params)).toEqual({
      since: "2026-12-05T10:00:00.000Z",
      until: "2026-12-05T11:00:00.000Z",
      statuses: ["SKIPPED"],
    });
  });

  it("takes no statuses as every one", () => {
    expect(paramsOfRecoveryInput("2026-12-05T10:00:00.000Z", null, []).toString()).toBe(
      "since=2026-12-05T10%3A00%3A00.000Z",
    );
  });
});
