"""OIDC_ISSUERS (CONTRACT.md §15): external OpenID Connect issuers whose tokens are accepted."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

FIELDS = ("issuer", "jwksUrl", "audience", "tenantClaim", "scopesClaim")


@dataclass(frozen=True)
class OidcIssuer:
    """One issuer: tokens with `iss` = `issuer` and `aud` holding `audience`, checked against
    the keys at `jwks_url`; the tenant is read from claim `tenant_claim` (the tenant's id or
    slug), the scopes from claim `scopes_claim` (a space-separated string or a list)."""

    issuer: str
    jwks_url: str
    audience: str
    tenant_claim: str
    scopes_claim: str


def parse_oidc_issuers(text: str) -> tuple[OidcIssuer, ...]:
    """The issuers in `text`, or ValueError saying what is wrong."""
    return _parse(text)


@lru_cache(maxsize=8)
def _parse(text: str) -> tuple[OidcIssuer, ...]:
    try:
        document = json.loads(text)
    except ValueError:
        raise ValueError(
            'must be a JSON list of {"issuer","jwksUrl","audience","tenantClaim","scopesClaim"}'
        ) from None
    if not isinstance(document, list):
        raise ValueError(
            'must be a JSON list of {"issuer","jwksUrl","audience","tenantClaim","scopesClaim"}'
        )
    issuers = tuple(_issuer(item, position) for position, item in enumerate(document, start=1))
    names = [issuer.issuer for issuer in issuers]
    if len(set(names)) != len(names):
        raise ValueError("each issuer may be listed once")
    return issuers


def _issuer(item: Any, position: int) -> OidcIssuer:
    where = f"issuer {position}"
    if not isinstance(item, dict):
        raise ValueError(f"{where}: must be a JSON object")
    for field in FIELDS:
        if not isinstance(item.get(field), str) or not item[field].strip():
            raise ValueError(f"{where}: {field} must be a non-empty string")
    url = urlsplit(item["jwksUrl"])
    if url.scheme not in {"http", "https"} or not url.hostname:
        raise ValueError(f"{where}: jwksUrl must be an http(s) URL")
    return OidcIssuer(
        issuer=item["issuer"],
        jwks_url=item["jwksUrl"],
        audience=item["audience"],
        tenant_claim=item["tenantClaim"],
        scopes_claim=item["scopesClaim"],
    )
