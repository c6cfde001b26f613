import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { ConfirmButton } from "./Confirm";

function renderButton(calls: string[]) {
  render(
    <ConfirmButton
      label="Disable"
      question="Disable this endpoint?"
      confirmLabel="Yes, disable"
      onConfirm={() => calls.push("confirmed")}
    />,
  );
}

describe("ConfirmButton", () => {
  it("asks before acting and acts once confirmed", async () => {
    const calls: string[] = [];
    renderButton(calls);
    await userEvent.click(screen.getByRole("button", { name: "Disable" }));
    expect(calls).toEqual([]);
    expect(screen.getByRole("group", { name: "Confirm: Disable" }).textContent).toContain("Disable this endpoint?");
    await userEvent.click(screen.getByRole("button", { name: "Yes, disable" }));
    expect(calls).toEqual(["confirmed"]);
    expect(screen.getByRole("button", { name: "Disable" })).toBeDefined();
  });

  it("does nothing when cancelled", async () => {
    const calls: string[] = [];
    renderButton(calls);
    await userEvent.click(screen.getByRole("button", { name: "Disable" }));
    await userEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(calls).toEqual([]);
    expect(screen.queryByRole("group")).toBeNull();
  });
});
