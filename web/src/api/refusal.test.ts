import { CombinedError } from "@urql/core";
import { describe, expect, it } from "vitest";
import { describeRefusal, refusalOf, refusalOfCombined } from "./refusal";

describe("refusalOf", () => {
  it("reads a rate limit's wait from Retry-After", () => {
    const refusal = refusalOf({ message: "Too many", extensions: { code: "rate_limited" } }, "17");
    expect(refusal).toEqual({ kind: "rate_limited", retryAfterSeconds: 17, message: "Too many" });
    expect(describeRefusal(refusal)).toBe("Rate limited: try again in 17 s.");
  });

  it("falls back to the cost extension's resetSeconds without Retry-After", () => {
    const refusal = refusalOf({ message: "x", extensions: { code: "rate_limited" } }, null, {
      cost: { requested: 10, remaining: 0, resetSeconds: 42 },
    });
    expect(describeRefusal(refusal)).toBe("Rate limited: try again in 42 s.");
  });

  it("rounds a fractional or HTTP-date Retry-After up to whole seconds", () => {
    expect(refusalOf({ message: "", extensions: { code: "rate_limited" } }, "1.2")).toMatchObject({
      retryAfterSeconds: 2,
    });
    const later = new Date(Date.now() + 30_000).toUTCString();
    const refusal = refusalOf({ message: "", extensions: { code: "overloaded" } }, later);
    expect(refusal.kind).toBe("unavailable");
    expect((refusal as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThanOrEqual(29);
  });

  it("says what a cost refusal asked for", () => {
    const refusal = refusalOf(
      { message: "too much", extensions: { code: "query_too_expensive", details: { requested: 1302, limit: 1000 } } },
      null,
    );
    expect(describeRefusal(refusal)).toBe("This view asks for too much at once (cost 1302); show fewer rows.");
  });

  it("lists a validation error's details", () => {
    const refusal = refusalOf(
      { message: "The request is not valid.", extensions: { code: "validation_error", details: [{ path: "url", message: "must be https" }] } },
      null,
    );
    expect(describeRefusal(refusal)).toBe("The request is not valid. url: must be https");
  });

  it("keeps any other message as it is", () => {
    expect(describeRefusal(refusalOf({ message: "Odd.", extensions: { code: "teapot" } }, null))).toBe("Odd.");
  });
});

describe("refusalOfCombined", () => {
  it("takes the first GraphQL error and the response's Retry-After", () => {
    const response = new Response("{}", { status: 429, headers: { "Retry-After": "9" } });
    const error = new CombinedError({
      graphQLErrors: [{ message: "Slow down", extensions: { code: "rate_limited" } }],
      response,
    });
    expect(describeRefusal(refusalOfCombined(error))).toBe("Rate limited: try again in 9 s.");
  });

  it("treats a bare 429 as a rate limit", () => {
    const response = new Response("", { status: 429, headers: { "Retry-After": "3" } });
    const error = new CombinedError({ networkError: new Error("429"), response });
    expect(refusalOfCombined(error)).toMatchObject({ kind: "rate_limited", retryAfterSeconds: 3 });
  });

  it("reports an unauthenticated refusal as such", () => {
    const error = new CombinedError({ graphQLErrors: [{ message: "no", extensions: { code: "unauthenticated" } }] });
    expect(refusalOfCombined(error).kind).toBe("unauthenticated");
  });
});
