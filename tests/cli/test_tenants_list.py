"""`aetherflow tenants list`: every tenant, by slug."""

from __future__ import annotations

from db.session import Database
from tests.factories import make_tenant
from tests.tenants.test_cli import aetherflow, ok_json


async def test_lists_every_tenant_by_slug(db: Database, cli_env: dict[str, str]) -> None:
    globex = await make_tenant(db, slug="globex")
    acme = await make_tenant(db, slug="acme")

    rows = ok_json(cli_env, "tenants", "list")["data"]
    assert [(row["id"], row["slug"], row["name"]) for row in rows] == [
        (str(acme.id), "acme", acme.name),
        (str(globex.id), "globex", globex.name),
    ]
    assert all(set(row) == {"id", "slug", "name", "createdAt"} for row in rows)
    assert all(row["createdAt"].endswith("Z") for row in rows)

    result = aetherflow(cli_env, "tenants", "list")
    assert (result.returncode, result.stderr) == (0, "")
    header, *lines = result.stdout.splitlines()
    assert header.split() == ["SLUG", "NAME", "ID", "CREATED"]
    assert [line.split()[0] for line in lines] == ["acme", "globex"]
    assert str(acme.id) in lines[0]


async def test_no_tenants_is_an_empty_list(db: Database, cli_env: dict[str, str]) -> None:
    assert ok_json(cli_env, "tenants", "list") == {"data": []}


async def test_database_down_exits_1(cli_env: dict[str, str]) -> None:
    env = {**cli_env, "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/none"}
    result = aetherflow(env, "tenants", "list")
    assert result.returncode == 1
    assert result.stderr == "aetherflow: database unavailable (ConnectionRefusedError)\n"
