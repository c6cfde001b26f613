"""A tenant slug is never UUID-shaped (CONTRACT.md §3), in any spelling a UUID has."""

from __future__ import annotations

import uuid

import pytest

from tests.tenants.test_cli import aetherflow

ID = uuid.UUID("0b8e5a1c-3f1e-4c55-9a8e-0a7c6b1d2e3f")


@pytest.mark.parametrize("slug", [ID.hex, str(ID)])
def test_a_uuid_is_refused_as_a_slug(cli_env: dict[str, str], slug: str) -> None:
    result = aetherflow(cli_env, "tenants", "create", "--slug", slug, "--name", "X")
    assert result.returncode == 2
    assert result.stderr.startswith("aetherflow: ")
    assert "slug" in result.stderr
    assert aetherflow(cli_env, "tenants", "list", "--json").stdout.count(slug) == 0
