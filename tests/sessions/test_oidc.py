"""CONTRACT.md §15: tokens of the issuers in OIDC_ISSUERS are accepted like session tokens; the
issuer's keys come from its JWKS URL (here a real local HTTP server), cached, and fetched again
for an unknown kid at most once a minute."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from app.core.config import Settings
from app.core.oidc_issuers import OidcIssuer, parse_oidc_issuers
from app.sessions.oidc import IssuerKeys
from tests.api.test_http_conventions import assert_error
from tests.asgi import serve
from tests.conftest import make_settings
from tests.factories import Keys, bearer
from tests.receiver import Answer, Receiver, running_receiver
from tests.sessions.helpers import ed25519_jwk, p256_jwk, sign_with

ISSUER = "https://idp.example.com/"
AUDIENCE = "https://api.aetherflow.example"
REPORTS = "/v1/tenants/{}/reports"
WEBHOOKS = "/v1/tenants/{}/webhook-endpoints"
JWKS = "/.well-known/jwks.json"


def rsa_jwk(kid: str) -> dict[str, Any]:
    jwk = RSAAlgorithm.to_jwk(rsa.generate_private_key(65537, 2048), as_dict=True)
    return {**jwk, "kid": kid, "alg": "RS256"}


def public(jwk: dict[str, Any]) -> dict[str, Any]:
    private_members = {"d", "p", "q", "dp", "dq", "qi"}
    return {name: value for name, value in jwk.items() if name not in private_members}


class IdentityProvider:
    """The issuer's key set, served from a real local HTTP server; each fetch is recorded."""

    def __init__(self, receiver: Receiver, *keys: dict[str, Any]) -> None:
        self.receiver = receiver
        self.keys = list(keys)
        self.failing = False
        self.url = receiver.rule(JWKS, self._answer)

    def _answer(self, _: object) -> Answer:
        if self.failing:
            return Answer(500)
        body = json.dumps({"keys": [public(key) for key in self.keys]}).encode()
        return Answer(200, {"content-type": "application/json"}, body=body)

    @property
    def fetches(self) -> int:
        return len(self.receiver.at(JWKS))

    def issuers_setting(self, **changes: str) -> str:
        issuer = {
            "issuer": ISSUER,
            "jwksUrl": self.url,
            "audience": AUDIENCE,
            "tenantClaim": "https://aetherflow.example/tenant",
            "scopesClaim": "permissions",
        }
        return json.dumps([{**issuer, **changes}])


def claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    values: dict[str, Any] = {
        "iss": ISSUER,
        "aud": [AUDIENCE, "https://idp.example.com/userinfo"],
        "sub": "auth0|user-7",
        "https://aetherflow.example/tenant": "acme",
        "permissions": ["reports:read", "openid"],
        "iat": now,
        "exp": now + 600,
        "jti": "idp-token-1",
    }
    values.update(changes)
    return {name: value for name, value in values.items() if value is not None}


@pytest.fixture
async def idp() -> AsyncIterator[IdentityProvider]:
    async with running_receiver() as receiver:
        yield IdentityProvider(receiver, rsa_jwk("rsa-1"), p256_jwk("ec-1"))


@pytest.fixture
async def api(
    idp: IdentityProvider, database_url: str, redis_url: str, tenant_keys: Keys
) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(
        database_url,
        redis_url,
        oidc_issuers=idp.issuers_setting(),
        cors_allowed_origins="https://app.example.com",
    )
    async with serve(settings) as client:
        yield client


async def test_an_external_token_acts_for_its_tenant_with_its_scopes(
    api: httpx.AsyncClient, idp: IdentityProvider, tenant_keys: Keys
) -> None:
    rsa_key, ec_key = idp.keys
    for token in (
        sign_with(rsa_key, claims()),
        sign_with(ec_key, claims(permissions="reports:read openid profile")),
        sign_with(
            rsa_key, claims(**{"https://aetherflow.example/tenant": str(tenant_keys.tenant.id)})
        ),
    ):
        response = await api.get(REPORTS.format("acme"), headers=bearer(token))
        assert response.status_code == 200, response.text
        refused = await api.get(WEBHOOKS.format("acme"), headers=bearer(token))
        assert assert_error(refused, 403, "insufficient_scope")["details"] == {
            "requiredScope": "webhooks:read"
        }
    # Fetched once, then served from the cache.
    assert idp.fetches == 1


async def test_external_tokens_never_hold_sessions_write(
    api: httpx.AsyncClient, idp: IdentityProvider
) -> None:
    token = sign_with(idp.keys[0], claims(permissions=["sessions:write", "reports:read"]))
    response = await api.post(
        "/v1/tenants/acme/sessions",
        json={"subject": "s", "scopes": ["reports:read"], "origins": ["https://a.example"]},
        headers=bearer(token),
    )
    assert_error(response, 403, "insufficient_scope")


@pytest.mark.parametrize(
    "case",
    [
        "wrong audience",
        "no audience",
        "unknown issuer",
        "expired",
        "unknown tenant",
        "no tenant claim",
        "unknown kid",
        "signed by another key under a known kid",
        "alg none",
        "HS256 keyed with the kid's public modulus",
        "tampered payload",
    ],
)
async def test_bad_external_tokens_are_unauthenticated(
    api: httpx.AsyncClient, idp: IdentityProvider, case: str
) -> None:
    rsa_key = idp.keys[0]
    good = sign_with(rsa_key, claims())
    token = {
        "wrong audience": lambda: sign_with(rsa_key, claims(aud="https://other.example")),
        "no audience": lambda: sign_with(rsa_key, claims(aud=None)),
        "unknown issuer": lambda: sign_with(rsa_key, claims(iss="https://evil.example.com/")),
        "expired": lambda: sign_with(
            rsa_key, claims(iat=int(time.time()) - 3600, exp=int(time.time()) - 120)
        ),
        "unknown tenant": lambda: sign_with(
            rsa_key, claims(**{"https://aetherflow.example/tenant": "initech"})
        ),
        "no tenant claim": lambda: sign_with(
            rsa_key, claims(**{"https://aetherflow.example/tenant": None})
        ),
        "unknown kid": lambda: sign_with(ed25519_jwk("not-published"), claims()),
        "signed by another key under a known kid": lambda: sign_with(rsa_jwk("rsa-1"), claims()),
        "alg none": lambda: jwt.encode(claims(), "", algorithm="none", headers={"kid": "rsa-1"}),
        "HS256 keyed with the kid's public modulus": lambda: jwt.encode(
            claims(), rsa_key["n"], algorithm="HS256", headers={"kid": "rsa-1"}
        ),
        "tampered payload": lambda: _tampered(good),
    }[case]()
    assert_error(
        await api.get(REPORTS.format("acme"), headers=bearer(token)), 401, "unauthenticated"
    )
    assert (await api.get(REPORTS.format("acme"), headers=bearer(good))).status_code == 200


def _tampered(token: str) -> str:
    header, _, signature = token.split(".")
    payload = jwt.utils.base64url_encode(
        json.dumps(claims(permissions=["reports:read", "webhooks:write"])).encode()
    ).decode()
    return f"{header}.{payload}.{signature}"


async def test_another_tenants_token_is_forbidden_and_origins_are_the_cors_list(
    api: httpx.AsyncClient, idp: IdentityProvider
) -> None:
    theirs = sign_with(idp.keys[0], claims(**{"https://aetherflow.example/tenant": "globex"}))
    assert_error(
        await api.get(REPORTS.format("acme"), headers=bearer(theirs)), 403, "tenant_forbidden"
    )
    ours = sign_with(idp.keys[0], claims())
    foreign = {**bearer(ours), "Origin": "https://evil.example.com"}
    assert_error(await api.get(REPORTS.format("acme"), headers=foreign), 403, "origin_forbidden")
    allowed = {**bearer(ours), "Origin": "https://app.example.com"}
    assert (await api.get(REPORTS.format("acme"), headers=allowed)).status_code == 200


async def test_an_unknown_kid_fetches_the_keys_again_at_most_once_per_interval(
    idp: IdentityProvider,
) -> None:
    (issuer,) = parse_oidc_issuers(idp.issuers_setting())
    async with httpx.AsyncClient() as http:
        keys = IssuerKeys(issuer, http, refetch_interval=1.0)
        assert await keys.find("rsa-1") is not None
        assert idp.fetches == 1
        rotated = rsa_jwk("rsa-2")
        idp.keys.append(rotated)
        # Within the interval an unknown kid is refused without asking the issuer again.
        assert await keys.find("rsa-2") is None
        assert await keys.find("rsa-3") is None
        assert idp.fetches == 1
        await asyncio.sleep(1.2)
        found = await keys.find("rsa-2")
        assert found is not None
        assert found.algorithm_name == "RS256"
        assert idp.fetches == 2
        assert await keys.find("rsa-1") is not None
        assert idp.fetches == 2


async def test_a_failing_key_server_is_asked_once_per_interval_and_recovers(
    idp: IdentityProvider,
) -> None:
    (issuer,) = parse_oidc_issuers(idp.issuers_setting())
    idp.failing = True
    async with httpx.AsyncClient() as http:
        keys = IssuerKeys(issuer, http, refetch_interval=1.0)
        assert await keys.find("rsa-1") is None
        assert await keys.find("rsa-1") is None
        assert idp.fetches == 1
        idp.failing = False
        await asyncio.sleep(1.2)
        assert await keys.find("rsa-1") is not None
        assert idp.fetches == 2


async def test_a_key_set_never_yields_a_shared_secret_key(idp: IdentityProvider) -> None:
    idp.keys = [{"kty": "oct", "k": "c2VjcmV0", "kid": "hmac", "alg": "HS256"}, rsa_jwk("r")]
    (issuer,) = parse_oidc_issuers(idp.issuers_setting())
    async with httpx.AsyncClient() as http:
        keys = IssuerKeys(issuer, http)
        assert await keys.find("r") is not None
        assert await keys.find("hmac") is None


def test_http_key_sets_are_refused_in_production(idp: IdentityProvider) -> None:
    settings = Settings(_env_file=None, app_env="production", oidc_issuers=idp.issuers_setting())
    assert (
        f"OIDC_ISSUERS: the jwksUrl of {ISSUER} must be https in production"
        in settings.production_problems()
    )
    https = Settings(
        _env_file=None,
        app_env="production",
        oidc_issuers=idp.issuers_setting(jwksUrl="https://idp.example.com/jwks"),
    )
    assert not [line for line in https.production_problems() if "OIDC" in line]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("{}", "must be a JSON list"),
        ("[1]", "issuer 1: must be a JSON object"),
        ('[{"issuer": "x"}]', "issuer 1: jwksUrl must be a non-empty string"),
    ],
)
def test_malformed_issuer_settings_are_refused(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_oidc_issuers(value)


def test_an_issuer_setting_parses() -> None:
    (issuer,) = parse_oidc_issuers(
        '[{"issuer": "https://x.example/", "jwksUrl": "https://x.example/jwks",'
        ' "audience": "a", "tenantClaim": "org", "scopesClaim": "scope"}]'
    )
    assert issuer == OidcIssuer("https://x.example/", "https://x.example/jwks", "a", "org", "scope")
