"""`aetherflow console-link`: a URL whose fragment carries a session token for the console's
origin only, with the asked scopes and lifetime; bad options are status 2, nothing written."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
from sqlalchemy import func, select

from app.core.config import Settings
from db.models.browser_session import BrowserSession
from db.session import Database
from tests.asgi import serve
from tests.factories import make_tenant
from tests.tenants.test_cli import aetherflow, ok_json


async def sessions_recorded(db: Database) -> int:
    async with db.unit_of_work() as session:
        return int(await session.scalar(select(func.count()).select_from(BrowserSession)) or 0)


async def test_the_link_carries_a_token_for_the_console_origin_with_the_asked_scopes(
    db: Database, cli_env: dict[str, str], settings: Settings
) -> None:
    tenant = await make_tenant(db, slug="acme")
    env = {
        **cli_env,
        "PUBLIC_BASE_URL": "https://api.example.com",
        "CONSOLE_URL": "https://console.example.com/ops/",
    }
    link = ok_json(
        env,
        "console-link",
        "--tenant",
        "acme",
        "--scopes",
        "reports:read,webhooks:read",
        "--ttl-seconds",
        "600",
    )

    assert set(link) == {"url", "sessionId", "tenant", "scopes", "expiresAt"}
    url = urlsplit(link["url"])
    assert (url.scheme, url.netloc, url.path, url.query) == (
        "https",
        "console.example.com",
        "/ops/",
        "",
    )
    fragment = parse_qs(url.fragment)
    assert fragment["tenant"] == ["acme"]
    claims = jwt.decode(fragment["token"][0], options={"verify_signature": False})
    assert claims["aud"] == str(tenant.id)
    assert claims["iss"] == "https://api.example.com"
    assert claims["origins"] == ["https://console.example.com"]
    assert claims["scope"] == "reports:read webhooks:read"
    assert claims["sub"] == "console-link"
    assert claims["jti"] == link["sessionId"]
    assert claims["exp"] - claims["iat"] == 600
    assert link["expiresAt"] == datetime.fromtimestamp(claims["exp"], UTC).strftime(
        "%Y-%m-%dT%H:%M:%S.000Z"
    )


async def test_the_token_works_from_the_console_origin_only(
    db: Database, cli_env: dict[str, str], settings: Settings
) -> None:
    await make_tenant(db, slug="acme")
    link = ok_json(cli_env, "console-link", "--tenant", "acme")
    token = parse_qs(urlsplit(link["url"]).fragment)["token"][0]
    assert link["scopes"] == [
        "reports:read",
        "reports:write",
        "automations:read",
        "automations:write",
        "webhooks:read",
        "webhooks:write",
    ]
    headers = {"Authorization": f"Bearer {token}"}
    async with serve(settings) as http:
        own = await http.get(
            "/v1/tenants/acme/reports", headers={**headers, "Origin": "http://127.0.0.1:8000"}
        )
        foreign = await http.get(
            "/v1/tenants/acme/reports", headers={**headers, "Origin": "https://evil.example"}
        )
    assert own.status_code == 200, own.text
    assert foreign.status_code == 403
    assert foreign.json()["error"]["code"] == "origin_forbidden"


async def test_text_output_is_the_url_and_when_it_stops_working(
    db: Database, cli_env: dict[str, str]
) -> None:
    await make_tenant(db, slug="acme")
    result = aetherflow(cli_env, "console-link", "--tenant", "acme")
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.strip().splitlines()
    assert first.startswith("http://127.0.0.1:8000/console/#tenant=acme&token=")
    assert second.startswith("(works until ")
    assert second.endswith("; shown once)")


async def test_bad_options_are_status_2_and_mint_nothing(
    db: Database, cli_env: dict[str, str]
) -> None:
    await make_tenant(db, slug="acme")
    cases = [
        (["--tenant", "acme", "--scopes", "sessions:write"], "--scopes"),
        (["--tenant", "acme", "--scopes", "reports:read,nope"], "--scopes"),
        (["--tenant", "acme", "--ttl-seconds", "59"], "--ttl-seconds"),
        (["--tenant", "acme", "--ttl-seconds", "43201"], "--ttl-seconds"),
        (["--tenant", "acme", "--ttl-seconds", "ten"], "--ttl-seconds"),
        (["--tenant", "acme", "--subject", ""], "--subject"),
        (["--tenant", "nobody"], "tenant"),
    ]
    for options, named in cases:
        result = aetherflow(cli_env, "console-link", *options)
        assert result.returncode == 2, (options, result.stderr)
        assert named in result.stderr.lower() or named in result.stderr, (options, result.stderr)
        assert "Traceback" not in result.stderr
        assert result.stdout == ""
    assert await sessions_recorded(db) == 0


async def test_the_json_is_one_object(db: Database, cli_env: dict[str, str]) -> None:
    await make_tenant(db, slug="acme")
    result = aetherflow(cli_env, "console-link", "--tenant", "acme", "--json")
    assert isinstance(json.loads(result.stdout), dict)
    assert await sessions_recorded(db) == 1
    assert httpx.URL(json.loads(result.stdout)["url"]).fragment.startswith("tenant=acme&token=")
