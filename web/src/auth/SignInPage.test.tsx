import { render, screen } from "@testing-library/react";
import { MemoryRouter, Route, Routes, useLocation } from "react-router-dom";
import { describe, expect, it } from "vitest";
import { SessionProvider } from "./SessionContext";
import { SignInPage } from "./SignInPage";

function token(claims: Record<string, unknown>): string {
  const encode = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, "");
  return `${encode({ alg: "EdDSA" })}.${encode(claims)}.c2ln`;
}

function Where() {
  const location = useLocation();
  return <p data-testid="where">{location.pathname + location.search}</p>;
}

function renderAt(entry: string) {
  return render(
    <SessionProvider>
      <MemoryRouter initialEntries={[entry]}>
        <Routes>
          <Route path="/" element={<SignInPage />} />
          <Route path="*" element={<Where />} />
        </Routes>
      </MemoryRouter>
    </SessionProvider>,
  );
}

describe("SignInPage", () => {
  it("signs in from a console link's fragment and goes to the tenant's reports", async () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    renderAt(`/#tenant=demo&token=${token({ exp, scope: "reports:read" })}`);
    expect((await screen.findByTestId("where")).textContent).toBe("/t/demo/reports");
  });

  it("goes back to the shared URL that sent the operator to sign in", async () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    const next = encodeURIComponent("/t/demo/deliveries?status=DEAD");
    renderAt(`/?next=${next}#tenant=demo&token=${token({ exp })}`);
    expect((await screen.findByTestId("where")).textContent).toBe("/t/demo/deliveries?status=DEAD");
  });

  it("never follows `next` to another tenant's pages", async () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    const next = encodeURIComponent("/t/other/reports");
    renderAt(`/?next=${next}#tenant=demo&token=${token({ exp })}`);
    expect((await screen.findByTestId("where")).textContent).toBe("/t/demo/reports");
  });

  it("says an expired link has expired and stays on sign-in", async () => {
    renderAt(`/#tenant=demo&token=${token({ exp: 1_000 })}`);
    expect((await screen.findByRole("alert")).textContent).toBe("This console link has expired: ask for a new one.");
    expect(screen.getByRole("button", { name: "Sign in" })).toBeTruthy();
  });

  it("says a malformed link is malformed", async () => {
    renderAt("/#tenant=demo&token=nope");
    expect((await screen.findByRole("alert")).textContent).toBe("This console link is malformed: ask for a new one.");
  });

  it("fills in the tenant a shared URL named", () => {
    renderAt("/?tenant=acme&next=%2Ft%2Facme%2Freports");
    expect((screen.getByLabelText("Tenant (slug or id)") as HTMLInputElement).value).toBe("acme");
  });
});
