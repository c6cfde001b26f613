import { describe, expect, it } from "vitest";
import { filtersFromForm, filtersFromParams, graphqlFilter, paramsFromFilters } from "./filters";

describe("delivery log filters", () => {
  it("read from the URL, leaving out empty values and unknown statuses", () => {
    const params = new URLSearchParams("status=dead&eventType=report.created&requestId=+&after=abc");
    expect(filtersFromParams(params)).toEqual({ status: "dead", eventType: "report.created" });
    expect(filtersFromParams(new URLSearchParams("status=lost"))).toEqual({});
  });

  it("go back to the same URL, without the page cursor", () => {
    const filters = { status: "skipped", resourceId: "8d6f", endpointId: " e1 " };
    expect(paramsFromFilters(filters).toString()).toBe("status=skipped&resourceId=8d6f&endpointId=e1");
    expect(filtersFromParams(paramsFromFilters(filters))).toEqual({ ...filters, endpointId: "e1" });
  });

  it("come from the form's fields", () => {
    const form = new FormData();
    form.set("status", "");
    form.set("eventType", "report.published");
    form.set("requestId", " req-1 ");
    expect(filtersFromForm(form)).toEqual({ eventType: "report.published", requestId: "req-1" });
  });

  it("become the GraphQL filter, the status by its enum name", () => {
    expect(graphqlFilter({ status: "dead", requestId: "r" })).toEqual({ status: "DEAD", requestId: "r" });
    expect(graphqlFilter({})).toEqual({});
  });
});
