import { describe, expect, it } from "vitest";
import { decodeClaims, lackedScopes, sessionFromFragment } from "./sessions";

function token(claims: Record<string, unknown>): string {
  const encode = (value: unknown) =>
    btoa(JSON.stringify(value)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return `${encode({ alg: "EdDSA", kid: "k" })}.${encode(claims)}.c2ln`;
}

describe("sessionFromFragment", () => {
  it("reads the tenant, token, expiry and scopes of a console link", () => {
    const jwt = token({ exp: 1_900_000_000, scope: "reports:read webhooks:read", sub: "ops" });
    const session = sessionFromFragment(`#tenant=demo&token=${jwt}`);
    expect(session).toEqual({
      tenant: "demo",
      token: jwt,
      expiresAt: new Date(1_900_000_000_000).toISOString(),
      scopes: ["reports:read", "webhooks:read"],
      subject: "ops",
    });
  });

  it("refuses a fragment without a tenant or with a token that is not a JWT", () => {
    expect(sessionFromFragment(`#token=${token({ exp: 1 })}`)).toBeNull();
    expect(sessionFromFragment("#tenant=demo&token=not-a-jwt")).toBeNull();
    expect(sessionFromFragment("#tenant=demo&token=a.%%%.c")).toBeNull();
    expect(sessionFromFragment(`#tenant=demo&token=${token({ sub: "no-exp" })}`)).toBeNull();
  });
});

describe("decodeClaims", () => {
  it("decodes base64url payloads with - and _", () => {
    const claims = { sub: "???>>>", exp: 5 };
    expect(decodeClaims(token(claims))).toEqual(claims);
  });
});

describe("lackedScopes", () => {
  it("names the requested scopes the API said the key lacks, by position", () => {
    const requested = ["reports:read", "reports:write", "webhooks:read"];
    const details = [
      { path: "scopes.1", message: "the API key does not hold the scope reports:write" },
      { path: "subject", message: "ignored" },
    ];
    expect([...lackedScopes(requested, details)]).toEqual(["reports:write"]);
  });
});
